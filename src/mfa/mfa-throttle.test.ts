import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { findThrottle } from './mfa.repository.ts';
import { codesPaused, countCodeFailure } from './mfa-throttle.ts';

describe.each(DIALECTS)('MFA code failure counter on %s', (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(() => t.close());

  it('counts 30 simultaneous wrong codes exactly, and pauses codes afterwards', async () => {
    await Promise.all(Array.from({ length: 30 }, () => countCodeFailure(t.deps.db, t.deps, 'AIDAEXAMPLEPRINCIPAL1')));
    const state = await findThrottle(t.deps.db, 'AIDAEXAMPLEPRINCIPAL1');
    expect(state?.failures).toBe(30);
    expect(await codesPaused(t.deps.db, t.deps, 'AIDAEXAMPLEPRINCIPAL1')).toBe(true);
  });
});
