import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { type TestContext, createTestContext } from '../../test/support/harness.ts';
import { loadSigningKeys, publicSigningKeys, rotateSigningKey } from '../oidc/oidc-keys.service.ts';

/** The keys an unsigned AssumeRoleWithWebIdentity checks Gatehouse's own tokens with. */
describe.each(DIALECTS)("Gatehouse's own issuer keys for web identities, on %s", (dialect) => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(() => t.close());

  it('makes no key when none was ever made, then gives the public halves of the newest three, never a private part', async () => {
    expect(await publicSigningKeys(t.deps)).toEqual([]);
    expect(await t.deps.db.selectFrom('oidc_signing_keys').select('id').execute()).toEqual([]);

    const [first] = await loadSigningKeys(t.deps);
    for (let i = 0; i < 3; i++) await rotateSigningKey(t.deps);
    const published = await publicSigningKeys(t.deps);
    const rows = await t.deps.db.selectFrom('oidc_signing_keys').select('id').orderBy('generation', 'desc').execute();
    expect(published.map((k) => k.kid)).toEqual(rows.slice(0, 3).map((r) => r.id));
    expect(published.map((k) => k.kid)).not.toContain(first!.kid);
    for (const key of published) {
      expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
      expect(Object.keys(key).filter((name) => ['d', 'p', 'q', 'dp', 'dq', 'qi'].includes(name))).toEqual([]);
    }
    expect(await publicSigningKeys(t.deps)).toEqual(published);
  });
});
