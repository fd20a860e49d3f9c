import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadPrincipal } from '../identities/principal.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { DAY } from '../shared/clock.ts';
import { changeOwnPassword, createUser, setUserPassword } from '../users/user.service.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, USER_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { failure } from '../../test/support/errors.ts';
import { passwordExpiry } from './password-expiry.ts';
import {
  DEFAULT_PASSWORD_POLICY,
  deletePasswordPolicy,
  getOwnPasswordStatus,
  getPasswordPolicy,
  updatePasswordPolicy,
} from './password-policy.service.ts';

describe('password expiry', () => {
  const changedAt = '2026-01-01T00:00:00.000Z';
  const at = (days: number) => new Date(new Date(changedAt).getTime() + days * DAY);

  it('never expires without MaxPasswordAge', () => {
    expect(passwordExpiry(null, changedAt, at(5000))).toBeNull();
    expect(passwordExpiry({ maxPasswordAge: null, hardExpiry: true }, changedAt, at(5000))).toBeNull();
  });

  it('counts days left, warns in the last 15 days, and expires at MaxPasswordAge', () => {
    const policy = { maxPasswordAge: 90, hardExpiry: false };
    expect(passwordExpiry(policy, changedAt, at(74))).toMatchObject({ daysLeft: 16, warn: false, expired: false });
    expect(passwordExpiry(policy, changedAt, at(75))).toMatchObject({ daysLeft: 15, warn: true, expired: false });
    expect(passwordExpiry(policy, changedAt, at(89.5))).toMatchObject({ daysLeft: 1, warn: true, expired: false });
    expect(passwordExpiry(policy, changedAt, at(90))).toMatchObject({ expired: true, warn: false, hardExpired: false });
    expect(passwordExpiry({ ...policy, hardExpiry: true }, changedAt, at(91))).toMatchObject({
      expired: true,
      hardExpired: true,
    });
    expect(passwordExpiry(policy, changedAt, at(0))?.expiresAt).toBe('2026-04-01T00:00:00.000Z');
  });
});

describe.each(DIALECTS)('account password policy on %s', (dialect) => {
  let t: TestContext;
  let accountId: string;

  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  beforeEach(async () => {
    accountId = (await makeAccount(t.deps)).id;
  });
  afterAll(() => t.close());

  it('has no policy until one is set, and an empty update gives AWS defaults', async () => {
    expect(await getPasswordPolicy(t.deps, accountId)).toBeNull();
    const policy = await updatePasswordPolicy(t.deps, accountId, {}, CLI_ACTOR, SYSTEM_META);
    expect(policy).toEqual({
      minimumPasswordLength: 6,
      requireSymbols: false,
      requireNumbers: false,
      requireUppercaseCharacters: false,
      requireLowercaseCharacters: false,
      allowUsersToChangePassword: false,
      maxPasswordAge: null,
      passwordReusePrevention: null,
      hardExpiry: false,
    });
    expect(await getPasswordPolicy(t.deps, accountId)).toEqual(DEFAULT_PASSWORD_POLICY);
  });

  it('stores every field and replaces the whole policy on each update', async () => {
    const full = {
      minimumPasswordLength: 14,
      requireSymbols: true,
      requireNumbers: true,
      requireUppercaseCharacters: true,
      requireLowercaseCharacters: true,
      allowUsersToChangePassword: true,
      maxPasswordAge: 90,
      passwordReusePrevention: 5,
      hardExpiry: true,
    };
    await updatePasswordPolicy(t.deps, accountId, full, CLI_ACTOR, SYSTEM_META);
    expect(await getPasswordPolicy(t.deps, accountId)).toEqual(full);
    await updatePasswordPolicy(t.deps, accountId, { requireNumbers: true }, CLI_ACTOR, SYSTEM_META);
    expect(await getPasswordPolicy(t.deps, accountId)).toEqual({ ...DEFAULT_PASSWORD_POLICY, requireNumbers: true });
  });

  it('accepts the edges of every range', async () => {
    for (const input of [
      { minimumPasswordLength: 6, maxPasswordAge: 1, passwordReusePrevention: 1 },
      { minimumPasswordLength: 128, maxPasswordAge: 1095, passwordReusePrevention: 24 },
    ]) {
      expect(await updatePasswordPolicy(t.deps, accountId, input, CLI_ACTOR, SYSTEM_META)).toMatchObject(input);
    }
  });

  it("reports every out-of-range field in one ValidationError worded as AWS's, and changes nothing", async () => {
    await updatePasswordPolicy(t.deps, accountId, { minimumPasswordLength: 10 }, CLI_ACTOR, SYSTEM_META);
    const above = await failure(() =>
      updatePasswordPolicy(
        t.deps,
        accountId,
        { maxPasswordAge: 1096, minimumPasswordLength: 129, passwordReusePrevention: 25 },
        CLI_ACTOR,
        SYSTEM_META,
      ),
    );
    expect(above.code).toBe('ValidationError');
    expect(above.status).toBe(400);
    expect(above.message).toBe(
      "3 validation errors detected: Value at 'minimumPasswordLength' failed to satisfy constraint: Member must have value less than or equal to 128; " +
        "Value at 'passwordReusePrevention' failed to satisfy constraint: Member must have value less than or equal to 24; " +
        "Value at 'maxPasswordAge' failed to satisfy constraint: Member must have value less than or equal to 1095",
    );
    const below = await failure(() =>
      updatePasswordPolicy(t.deps, accountId, { minimumPasswordLength: 5 }, CLI_ACTOR, SYSTEM_META),
    );
    expect(below.message).toBe(
      "1 validation error detected: Value at 'minimumPasswordLength' failed to satisfy constraint: Member must have value greater than or equal to 6",
    );
    expect(below.field).toBe('minimumPasswordLength');
    const zero = await failure(() =>
      updatePasswordPolicy(
        t.deps,
        accountId,
        { maxPasswordAge: 0, passwordReusePrevention: 0 },
        CLI_ACTOR,
        SYSTEM_META,
      ),
    );
    expect(zero.message).toMatch(
      /^2 validation errors detected: .*'passwordReusePrevention'.*greater than or equal to 1; .*'maxPasswordAge'.*greater than or equal to 1$/,
    );
    const fraction = await failure(() =>
      updatePasswordPolicy(t.deps, accountId, { minimumPasswordLength: 8.5 }, CLI_ACTOR, SYSTEM_META),
    );
    expect(fraction.code).toBe('ValidationError');
    expect((await getPasswordPolicy(t.deps, accountId))?.minimumPasswordLength).toBe(10);
  });

  it('deletes the policy, and says NoSuchEntity as AWS does when there is none', async () => {
    const none = await failure(() => deletePasswordPolicy(t.deps, accountId, CLI_ACTOR, SYSTEM_META));
    expect(none.code).toBe('NoSuchEntity');
    expect(none.message).toBe('The account policy with name PasswordPolicy cannot be found.');
    await updatePasswordPolicy(t.deps, accountId, { minimumPasswordLength: 12 }, CLI_ACTOR, SYSTEM_META);
    await deletePasswordPolicy(t.deps, accountId, CLI_ACTOR, SYSTEM_META);
    expect(await getPasswordPolicy(t.deps, accountId)).toBeNull();
  });

  it('audits every change with the actor', async () => {
    await updatePasswordPolicy(t.deps, accountId, { minimumPasswordLength: 12 }, CLI_ACTOR, SYSTEM_META);
    await deletePasswordPolicy(t.deps, accountId, CLI_ACTOR, SYSTEM_META);
    const events = await listAuditEvents(t.deps.db, { accountId, limit: 20 });
    const names = events.map((e) => e.eventName);
    expect(names).toEqual(expect.arrayContaining(['UpdateAccountPasswordPolicy', 'DeleteAccountPasswordPolicy']));
    const update = events.find((e) => e.eventName === 'UpdateAccountPasswordPolicy')!;
    expect(update.actorType).toBe('cli');
    expect(JSON.parse(update.details!).policy.minimumPasswordLength).toBe(12);
  });

  it('is enforced when an administrator creates a user or sets a password, writing nothing on refusal', async () => {
    await updatePasswordPolicy(t.deps, accountId, { minimumPasswordLength: 30 }, CLI_ACTOR, SYSTEM_META);
    const created = await failure(() =>
      createUser(t.deps, accountId, { name: 'dave', password: USER_PASSWORD }, CLI_ACTOR, SYSTEM_META),
    );
    expect(created.code).toBe('PasswordPolicyViolation');
    expect(created.message).toBe('Password must be at least 30 characters long.');
    expect(await loadPrincipalByName('dave')).toBeNull();
    await makeUser(t.deps, accountId, 'erin', { password: null });
    const set = await failure(() =>
      setUserPassword(t.deps, accountId, 'erin', 'too short for policy', false, CLI_ACTOR, SYSTEM_META),
    );
    expect(set.code).toBe('PasswordPolicyViolation');
  });

  async function loadPrincipalByName(name: string) {
    const row = await t.deps.db
      .selectFrom('users')
      .select('id')
      .where('account_id', '=', accountId)
      .where('name', '=', name)
      .executeTakeFirst();
    return row ? loadPrincipal(t.deps.db, accountId, row.id) : null;
  }

  it('never applies to the root user', async () => {
    const account = await makeAccount(t.deps);
    await updatePasswordPolicy(
      t.deps,
      account.id,
      {
        minimumPasswordLength: 40,
        requireSymbols: true,
        allowUsersToChangePassword: false,
        maxPasswordAge: 1,
        hardExpiry: true,
      },
      CLI_ACTOR,
      SYSTEM_META,
    );
    t.clock.advance(10 * DAY);
    const root = (await loadPrincipal(t.deps.db, account.id, account.id))!;
    expect(await getOwnPasswordStatus(t.deps, root)).toEqual({ expiry: null, policy: null, forced: false });
    await changeOwnPassword(t.deps, root, ROOT_PASSWORD, 'a new root passphrase', null, SYSTEM_META);
  });
});
