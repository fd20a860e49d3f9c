import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signInUser } from '../../test/support/console.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { Browser, type TestContext } from '../../test/support/harness.ts';
import { type Instance, twoInstances } from '../../test/support/instances.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import type { Deps } from '../deps.ts';
import { addUserToGroup, createGroup } from '../groups/group.service.ts';
import { loadPrincipal } from '../identities/principal.ts';
import { findUserByName } from '../identities/user.repository.ts';
import { getOwnPasswordStatus, updatePasswordPolicy } from '../password-policy/password-policy.service.ts';
import { setLoginProfileResetRequired } from '../users/user-admin.service.ts';
import { tagUser } from '../user-tags/user-tag.service.ts';
import { attachPolicy, detachPolicy } from './attachment.service.ts';
import { authorize, decideWithinOneRequest } from './authorization.service.ts';
import { deleteInlinePolicy, putInlinePolicy } from './inline-policy.service.ts';
import { createPolicy, createPolicyVersion } from './managed-policy.service.ts';
import { putUserPermissionsBoundary } from './permissions-boundary.service.ts';

const allow = (action: string, condition?: object) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: action, Resource: '*', ...(condition ? { Condition: condition } : {}) }],
  });

/**
 * An IAM user's compiled policies are kept per principal by every instance, and every kind of
 * change they rest on reaches every instance: at once on the instance that made it, after one
 * poll on another (B), and on B not at all from its cache once its feed has not polled for
 * freshForMs. Two app instances share one database (a SQLite file, or PostgreSQL); changes are
 * made through A's services, decisions asked of each instance's own deps.
 */
describe.each(DIALECTS)('compiled policies kept per principal on %s', (dialect) => {
  let t: TestContext;
  let b: Instance;
  let close: () => Promise<void>;
  let account: Awaited<ReturnType<typeof makeAccount>>;
  const ACTOR = [CLI_ACTOR, SYSTEM_META] as const;

  beforeAll(async () => {
    ({ t, b, close } = await twoInstances(dialect));
    account = await makeAccount(t.deps, { alias: `decision-cache-${dialect}` });
  });
  afterAll(() => close());

  const pollBoth = async () => {
    await t.deps.invalidations.pollNow();
    await b.deps.invalidations.pollNow();
  };

  /** Whether `userName` may do `action` on `*`, as the instance of `deps` decides it now. */
  async function may(deps: Deps, userName: string, action: string): Promise<boolean> {
    const user = await findUserByName(deps.db, account.id, userName);
    const principal = await loadPrincipal(deps.db, account.id, user!.id);
    const resource = action === 'iam:ChangePassword' ? principal!.arn : '*';
    return (await authorize(deps, principal!, action, resource)).decision === 'allowed';
  }

  /**
   * `change` turns `action` from `before` to the opposite for `userName`: A decides anew at
   * once; B, which kept its decision basis, serves it until it polls, then decides anew.
   */
  async function seenEverywhere(userName: string, action: string, before: boolean, change: () => Promise<unknown>) {
    await pollBoth();
    expect(await may(t.deps, userName, action), `A before: ${action}`).toBe(before);
    expect(await may(b.deps, userName, action), `B before: ${action}`).toBe(before);
    await change();
    expect(await may(t.deps, userName, action), `A at once: ${action}`).toBe(!before);
    expect(await may(b.deps, userName, action), `B before it polls: ${action}`).toBe(before);
    await b.deps.invalidations.pollNow();
    expect(await may(b.deps, userName, action), `B after one poll: ${action}`).toBe(!before);
  }

  it("a user's inline policy, put and deleted", async () => {
    await makeUser(t.deps, account.id, 'inline');
    await seenEverywhere('inline', 'iam:ListUsers', false, () =>
      putInlinePolicy(t.deps, account.id, 'user', 'inline', 'list', allow('iam:ListUsers'), ...ACTOR),
    );
    await seenEverywhere('inline', 'iam:ListUsers', true, () =>
      deleteInlinePolicy(t.deps, account.id, 'user', 'inline', 'list', ...ACTOR),
    );
  });

  it("a group's inline policy, and a user joining a group", async () => {
    await makeUser(t.deps, account.id, 'member');
    await createGroup(t.deps, account.id, { name: 'readers' }, ...ACTOR);
    await createGroup(t.deps, account.id, { name: 'listers' }, ...ACTOR);
    await putInlinePolicy(t.deps, account.id, 'group', 'listers', 'list', allow('iam:ListGroups'), ...ACTOR);
    await addUserToGroup(t.deps, account.id, 'readers', 'member', ...ACTOR);
    await seenEverywhere('member', 'iam:ListRoles', false, () =>
      putInlinePolicy(t.deps, account.id, 'group', 'readers', 'roles', allow('iam:ListRoles'), ...ACTOR),
    );
    await seenEverywhere('member', 'iam:ListGroups', false, () =>
      addUserToGroup(t.deps, account.id, 'listers', 'member', ...ACTOR),
    );
  });

  it('attachments to users and groups, and a managed policy given a new default version', async () => {
    await makeUser(t.deps, account.id, 'attached');
    await createGroup(t.deps, account.id, { name: 'attachers' }, ...ACTOR);
    await addUserToGroup(t.deps, account.id, 'attachers', 'attached', ...ACTOR);
    const keys = await createPolicy(
      t.deps,
      account.id,
      { name: 'keys', document: allow('iam:ListAccessKeys') },
      ...ACTOR,
    );
    const mfa = await createPolicy(
      t.deps,
      account.id,
      { name: 'mfa', document: allow('iam:ListMFADevices') },
      ...ACTOR,
    );
    await seenEverywhere('attached', 'iam:ListAccessKeys', false, () =>
      attachPolicy(t.deps, account.id, 'user', 'attached', keys.arn, ...ACTOR),
    );
    await seenEverywhere('attached', 'iam:ListMFADevices', false, () =>
      attachPolicy(t.deps, account.id, 'group', 'attachers', mfa.arn, ...ACTOR),
    );
    await seenEverywhere('attached', 'iam:ListAccessKeys', true, () =>
      createPolicyVersion(t.deps, account.id, keys.arn, allow('iam:ListSigningCertificates'), true, ...ACTOR),
    );
    await seenEverywhere('attached', 'iam:ListMFADevices', true, () =>
      detachPolicy(t.deps, account.id, 'group', 'attachers', mfa.arn, ...ACTOR),
    );
  });

  it('a permissions boundary, user tags and the password policy', async () => {
    await makeUser(t.deps, account.id, 'bounded');
    await putInlinePolicy(t.deps, account.id, 'user', 'bounded', 'list', allow('iam:ListUsers'), ...ACTOR);
    const onlyGetUser = await createPolicy(
      t.deps,
      account.id,
      { name: 'only-get-user', document: allow('iam:GetUser') },
      ...ACTOR,
    );
    await seenEverywhere('bounded', 'iam:ListUsers', true, () =>
      putUserPermissionsBoundary(t.deps, account.id, 'bounded', onlyGetUser.arn, ...ACTOR),
    );

    await makeUser(t.deps, account.id, 'tagged');
    const blueTeam = { StringEquals: { 'aws:PrincipalTag/team': 'blue' } };
    await putInlinePolicy(t.deps, account.id, 'user', 'tagged', 'team', allow('iam:ListPolicies', blueTeam), ...ACTOR);
    await seenEverywhere('tagged', 'iam:ListPolicies', false, () =>
      tagUser(t.deps, account.id, 'tagged', [{ key: 'team', value: 'blue' }], ...ACTOR),
    );

    await seenEverywhere('tagged', 'iam:ChangePassword', false, () =>
      updatePasswordPolicy(t.deps, account.id, { allowUsersToChangePassword: true }, ...ACTOR),
    );
  });

  it('serves nothing kept once its feed has not polled for freshForMs', async () => {
    await makeUser(t.deps, account.id, 'unpolled');
    await pollBoth();
    expect(await may(b.deps, 'unpolled', 'iam:ListUsers')).toBe(false);
    await putInlinePolicy(t.deps, account.id, 'user', 'unpolled', 'list', allow('iam:ListUsers'), ...ACTOR);
    expect(await may(b.deps, 'unpolled', 'iam:ListUsers')).toBe(false);
    t.clock.advance(b.deps.invalidations.settings.freshForMs + 1);
    expect(await may(b.deps, 'unpolled', 'iam:ListUsers')).toBe(true);
  });

  it("shows a console page's links from the kept decisions", async () => {
    await makeUser(t.deps, account.id, 'browsing');
    const onA = await signInUser(t, account.id, 'browsing');
    const onB = new Browser(b.app);
    for (const [name, value] of onA.cookies) onB.cookies.set(name, value);
    const usersLink = '<a href="/console/users">Users</a>';
    await pollBoth();
    expect((await onB.get('/console')).body).not.toContain(usersLink);
    await putInlinePolicy(t.deps, account.id, 'user', 'browsing', 'list', allow('iam:ListUsers'), ...ACTOR);
    expect((await onA.get('/console')).body).toContain(usersLink);
    await b.deps.invalidations.pollNow();
    expect((await onB.get('/console')).body).toContain(usersLink);
  });

  it("keeps a user's password state (reset required) with the same bounds", async () => {
    await makeUser(t.deps, account.id, 'resetting');
    const forced = async (deps: Deps) => {
      const user = await findUserByName(deps.db, account.id, 'resetting');
      const principal = decideWithinOneRequest({ ...(await loadPrincipal(deps.db, account.id, user!.id))! });
      return (await getOwnPasswordStatus(deps, principal)).forced;
    };
    await pollBoth();
    expect(await forced(b.deps)).toBe(false);
    await setLoginProfileResetRequired(t.deps, account.id, 'resetting', true, ...ACTOR);
    expect(await forced(t.deps)).toBe(true);
    expect(await forced(b.deps)).toBe(false);
    await b.deps.invalidations.pollNow();
    expect(await forced(b.deps)).toBe(true);
  });
});
