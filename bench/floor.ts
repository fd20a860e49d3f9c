import Fastify, { type FastifyInstance } from 'fastify';
import type { Config } from '../src/config/config.ts';
import { serverOptions } from '../src/app.ts';

/** The floor row's only route. */
export const FLOOR_PATH = '/hello';

/**
 * The floor: Fastify saying hello, built with the server options Gatehouse's `buildApp` gives
 * Fastify (`serverOptions` in src/app.ts; no logger, as the benchmark builds Gatehouse) and nothing else: no
 * hooks, no plugins, no database. What a request costs here is what any request costs this
 * Node.js and this Fastify on this machine; every HTTP row is reported as a multiple of it.
 * test/bench/floor.test.ts checks that the options still match Gatehouse's.
 */
export function buildFloorApp(config: Pick<Config, 'trustProxy'>): FastifyInstance {
  const app: FastifyInstance = Fastify({ logger: false, ...serverOptions(config) });
  app.get(FLOOR_PATH, async () => ({ hello: 'world' }));
  return app;
}
