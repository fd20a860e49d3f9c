import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildFloorApp, FLOOR_PATH } from '../../bench/floor.ts';
import { configFrom } from '../../src/config/config.ts';
import { createTestContext, type TestContext } from '../support/harness.ts';

/**
 * The benchmark's floor is Fastify with Gatehouse's server options and nothing else: were the
 * options to drift apart, every "× floor" figure would compare unlike things.
 */
describe("the benchmark's floor", () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext('sqlite', { TRUST_PROXY: '127.0.0.1' });
  });
  afterAll(() => t.close());

  it('is built with the server options buildApp gives Fastify', async () => {
    const floor = buildFloorApp(t.config);
    await floor.ready();
    expect(floor.initialConfig).toEqual(t.app.initialConfig);
    await floor.close();
  });

  it('says hello, and sees the client where TRUST_PROXY says, as Gatehouse does', async () => {
    const seenAs = async (trustProxy: string | undefined, forwardedFor: string) => {
      const floor = buildFloorApp(configFrom(trustProxy ? { TRUST_PROXY: trustProxy } : {}));
      floor.get('/ip', async (request) => request.ip);
      const response = await floor.inject({ method: 'GET', url: '/ip', headers: { 'x-forwarded-for': forwardedFor } });
      await floor.close();
      return response.body;
    };
    expect(await seenAs('127.0.0.1', '6.6.6.6, 203.0.113.9')).toBe('203.0.113.9');
    expect(await seenAs('1', '6.6.6.6, 203.0.113.9')).toBe('203.0.113.9');
    expect(await seenAs(undefined, '203.0.113.9')).toBe('127.0.0.1');
    const floor = buildFloorApp(t.config);
    const hello = await floor.inject({ method: 'GET', url: FLOOR_PATH });
    expect(hello.statusCode).toBe(200);
    expect(hello.json()).toEqual({ hello: 'world' });
    await floor.close();
  });
});
