import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { Config } from '../src/config/config.ts';
import { randomBase32 } from '../src/shared/secrets.ts';

/** The floor row's only route. */
export const FLOOR_PATH = '/hello';

/**
 * The floor: Fastify saying hello, built with the server options Gatehouse's `buildApp` gives
 * Fastify (src/app.ts; no logger, as the benchmark builds Gatehouse) and nothing else: no
 * hooks, no plugins, no database. What a request costs here is what any request costs this
 * Node.js and this Fastify on this machine; every HTTP row is reported as a multiple of it.
 * test/bench/floor.test.ts checks that the options still match Gatehouse's.
 */
export function buildFloorApp(config: Pick<Config, 'trustProxy'>): FastifyInstance {
  const app: FastifyInstance = Fastify({
    logger: false,
    genReqId: () => randomBase32(10),
    bodyLimit: 128 * 1024,
    trustProxy: trustProxyOption(config.trustProxy),
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  } satisfies FastifyServerOptions);
  app.get(FLOOR_PATH, async () => ({ hello: 'world' }));
  return app;
}

/** As src/app.ts turns `TRUST_PROXY` into Fastify's option. */
function trustProxyOption(trust: Config['trustProxy']): FastifyServerOptions['trustProxy'] {
  if (trust === false) return false;
  if (typeof trust === 'number') return (_address: string, hop: number) => hop < trust;
  return [...trust];
}
