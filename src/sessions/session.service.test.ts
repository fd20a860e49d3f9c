import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYSTEM_META } from '../audit/audit.service.ts';
import { signInRoot } from '../signin/signin.service.ts';
import { MINUTE } from '../shared/clock.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { findSessionRow } from './session.repository.ts';
import {
  type NewSession,
  checkSession,
  endSession,
  readSessionWithPrincipal,
  startSession,
} from './session.service.ts';
import { loadPrincipal } from '../identities/principal.ts';
import { CLI_ACTOR } from '../audit/audit.service.ts';
import { createVirtualDevice } from '../mfa/mfa.service.ts';

describe.each(DIALECTS)('sessions on %s', (dialect) => {
  let t: TestContext;
  let account: Awaited<ReturnType<typeof makeAccount>>;
  let input: NewSession;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    account = await makeAccount(t.deps);
    input = {
      accountId: account.id,
      principalId: account.id,
      restriction: null,
      mfaAt: null,
      sourceIp: '192.0.2.1',
      userAgent: 'test',
    };
  });
  afterAll(() => t.close());

  const start = () => startSession(t.deps.db, t.deps, input);
  const rowsOf = (id: string) => t.deps.db.selectFrom('sessions').selectAll().where('id', '=', id).execute();

  it('gives out id.secret tokens with at least 128 bits of secret', async () => {
    const { token, session } = await start();
    const match = /^([a-z2-7]+)\.([a-z2-7]+)$/.exec(token);
    expect(match).not.toBeNull();
    expect(match![1]).toBe(session.id);
    expect(match![2]!.length * 5).toBeGreaterThanOrEqual(128);
  });

  it('stores only the SHA-256 of the secret: the row does not contain the secret', async () => {
    const { token, session } = await start();
    const secret = token.split('.')[1]!;
    const rows = await rowsOf(session.id);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.secret_hash).toBe(createHash('sha256').update(secret).digest('hex'));
    const stored = JSON.stringify(rows[0]);
    expect(stored).not.toContain(secret);
    expect(stored).not.toContain(token);
  });

  it('accepts the right token and refuses the right id with a wrong secret, without ending the session', async () => {
    const { token, session } = await start();
    expect((await checkSession(t.deps, token))?.id).toBe(session.id);
    const secret = token.split('.')[1]!;
    const wrong = `${session.id}.${secret.slice(0, -1)}${secret.endsWith('a') ? 'b' : 'a'}`;
    expect(await checkSession(t.deps, wrong)).toBeNull();
    await endSession(t.deps, wrong);
    // A guess neither signs in nor signs the owner out.
    expect((await checkSession(t.deps, token))?.id).toBe(session.id);
  });

  it('refuses malformed tokens', async () => {
    const { token, session } = await start();
    const [id, secret] = token.split('.') as [string, string];
    for (const bad of [
      undefined,
      '',
      id,
      `${id}.`,
      `.${secret}`,
      secret,
      `${id}.${secret}.${secret}`,
      token.toUpperCase(),
      `${token} `,
      `${id}.${secret}=`,
    ]) {
      expect(await checkSession(t.deps, bad), String(bad)).toBeNull();
    }
    expect((await checkSession(t.deps, token))?.id).toBe(session.id);
  });

  it('ends a session idle for the idle timeout, and deletes it', async () => {
    const { token, session } = await start();
    t.clock.advance(t.deps.sessionIdleMs - MINUTE);
    expect(await checkSession(t.deps, token)).not.toBeNull();
    // Activity moves the idle deadline.
    t.clock.advance(t.deps.sessionIdleMs - MINUTE);
    expect(await checkSession(t.deps, token)).not.toBeNull();
    t.clock.advance(t.deps.sessionIdleMs);
    expect(await checkSession(t.deps, token)).toBeNull();
    expect(await findSessionRow(t.deps.db, session.id)).toBeNull();
  });

  it('ends a session at its absolute lifetime however active it is', async () => {
    const { token, session } = await start();
    expect(session.expiresAt).toBe(new Date(t.clock.now().getTime() + t.deps.sessionMaxMs).toISOString());
    const step = 30 * MINUTE;
    for (let elapsed = step; elapsed < t.deps.sessionMaxMs; elapsed += step) {
      t.clock.advance(step);
      expect(await checkSession(t.deps, token), `after ${elapsed / MINUTE} min`).not.toBeNull();
    }
    t.clock.set(session.expiresAt);
    expect(await checkSession(t.deps, token)).toBeNull();
    expect(await findSessionRow(t.deps.db, session.id)).toBeNull();
  });

  it('records activity at most once a minute', async () => {
    const { token, session } = await start();
    t.clock.advance(30_000);
    await checkSession(t.deps, token);
    expect((await findSessionRow(t.deps.db, session.id))!.lastSeenAt).toBe(session.lastSeenAt);
    t.clock.advance(30_000);
    await checkSession(t.deps, token);
    expect((await findSessionRow(t.deps.db, session.id))!.lastSeenAt).toBe(t.clock.now().toISOString());
  });

  it('ends a session on sign-out only with its full token', async () => {
    const { token, session } = await start();
    await endSession(t.deps, token);
    expect(await findSessionRow(t.deps.db, session.id)).toBeNull();
    expect(await checkSession(t.deps, token)).toBeNull();
  });

  it('makes a new session, with a new id, on every sign-in', async () => {
    const tokens: string[] = [];
    for (let i = 0; i < 3; i++) {
      const result = await signInRoot(t.deps, account.email, ROOT_PASSWORD, SYSTEM_META);
      if (!result.ok) throw new Error(`sign-in failed: ${result.reason}`);
      tokens.push(result.token);
    }
    const ids = tokens.map((token) => token.split('.')[0]!);
    expect(new Set(ids).size).toBe(3);
    for (const token of tokens) expect(await checkSession(t.deps, token)).not.toBeNull();
  });

  it('reads a session with its principal and MFA state in one query, root and IAM user alike', async () => {
    const { token } = await start();
    const root = await readSessionWithPrincipal(t.deps, token);
    expect(root?.principal).toMatchObject({
      type: 'root',
      id: account.id,
      email: account.email,
      accountId: account.id,
    });
    expect(root?.mfaEnabled).toBe(false);

    const user = await makeUser(t.deps, account.id, 'joined', { isAdmin: true });
    const userSession = await startSession(t.deps.db, t.deps, { ...input, principalId: user.id });
    const found = await readSessionWithPrincipal(t.deps, userSession.token);
    expect(found?.principal).toEqual(await loadPrincipal(t.deps.db, account.id, user.id));
    expect(found?.principal).toMatchObject({ type: 'user', name: 'joined', isAdmin: true });
    expect(found?.mfaEnabled).toBe(false);

    const mfaDeps = t.deps;
    const { device } = await createVirtualDevice(mfaDeps, account.id, { name: 'joined-phone' }, CLI_ACTOR, SYSTEM_META);
    // Created but not yet enabled: no MFA owed.
    expect((await readSessionWithPrincipal(t.deps, userSession.token))?.mfaEnabled).toBe(false);
    await t.deps.db
      .updateTable('mfa_devices')
      .set({ principal_id: user.id, enabled_at: t.clock.now().toISOString() })
      .where('id', '=', device.id)
      .execute();
    expect((await readSessionWithPrincipal(t.deps, userSession.token))?.mfaEnabled).toBe(true);
    expect((await readSessionWithPrincipal(t.deps, token))?.mfaEnabled).toBe(false);

    // A session whose user is gone names no principal.
    await t.deps.db.deleteFrom('users').where('id', '=', user.id).execute();
    const orphan = await readSessionWithPrincipal(t.deps, userSession.token);
    expect(orphan?.principal ?? null).toBeNull();
  });
});
