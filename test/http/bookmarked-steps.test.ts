import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../support/harness.ts';

describe('a bookmarked step of a flow', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext('sqlite');
  });
  afterAll(() => t.close());

  it('sends the browser to where its flow starts, instead of a 404', async () => {
    for (const [step, start] of [
      ['/signin/mfa-help/start', '/signin/mfa-help'],
      // /signin/root is only posted to as well: the nearest page that opens is /signin.
      ['/signin/root/password', '/signin'],
      ['/signin/root/password?email=x', '/signin'],
    ] as const) {
      const response = await t.app.inject({ method: 'GET', url: step });
      expect(response.statusCode, step).toBe(303);
      expect(response.headers.location, step).toBe(start);
    }
  });

  it('still answers 404 for an address no flow has', async () => {
    for (const url of ['/signin/mfa-help/nothing-here', '/no/such/page']) {
      const response = await t.app.inject({ method: 'GET', url });
      expect(response.statusCode, url).toBe(404);
    }
  });
});
