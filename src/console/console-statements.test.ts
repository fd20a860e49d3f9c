import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUserPolicy, signInUser } from '../../test/support/console.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { TEST_SECRET_KEY, type TestContext, createTestContext } from '../../test/support/harness.ts';
import { insertTestRole } from '../../test/support/roles.ts';
import { StatementRecorder } from '../../test/support/statements.ts';
import { buildApp } from '../app.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import type { Deps } from '../deps.ts';
import { addUserToGroup, createGroup } from '../groups/group.service.ts';
import { attachPolicy } from '../policies/attachment.service.ts';
import { putInlinePolicy } from '../policies/inline-policy.service.ts';
import { updatePasswordPolicy } from '../password-policy/password-policy.service.ts';
import { buildDeps } from '../runtime.ts';

/**
 * What the console home page of a signed-in IAM user asks of the database once the caches hold
 * its session, compiled policies, password state and password policy: its own recent sign-ins
 * (the failed-attempts notice), nothing else. The first view loads them, the password policy
 * once.
 */
describe.each(DIALECTS)('the statements of a console page on %s', (dialect) => {
  let t: TestContext;
  let deps: Deps;
  let recorder: StatementRecorder;
  let app: FastifyInstance;
  let account: Awaited<ReturnType<typeof makeAccount>>;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    account = await makeAccount(t.deps, { alias: `console-statements-${dialect}` });
    recorder = new StatementRecorder();
    deps = {
      ...buildDeps(t.config, { db: t.deps.db.withPlugin(recorder), dialect }, TEST_SECRET_KEY, t.clock),
      hasher: t.deps.hasher,
    };
    app = await buildApp(t.config, deps, { logger: false });
    await app.ready();
    // Polls come when the test says, not in the middle of a recorded request.
    await deps.invalidations.stop();
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it('one query for a signed-in IAM user with policies of its own and of a group', async () => {
    await makeUser(deps, account.id, 'reader');
    await setUserPolicy({ ...t, deps }, account.id, 'reader', 'own', [
      { Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' },
    ]);
    await createGroup(deps, account.id, { name: 'readers' }, CLI_ACTOR, SYSTEM_META);
    await putInlinePolicy(
      deps,
      account.id,
      'group',
      'readers',
      'list',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [{ Effect: 'Allow', Action: 'iam:ListGroups', Resource: '*' }],
      }),
      CLI_ACTOR,
      SYSTEM_META,
    );
    await addUserToGroup(deps, account.id, 'readers', 'reader', CLI_ACTOR, SYSTEM_META);
    await updatePasswordPolicy(deps, account.id, { minimumPasswordLength: 12 }, CLI_ACTOR, SYSTEM_META);
    const browser = await signInUser({ ...t, app, deps }, account.id, 'reader');
    await deps.invalidations.pollNow();

    recorder.start();
    expect((await browser.get('/console')).statusCode).toBe(200);
    const first = recorder.stop();
    expect(first.filter((s) => s === 'SelectQueryNode(password_policies)')).toHaveLength(1);

    recorder.start();
    expect((await browser.get('/console')).statusCode).toBe(200);
    expect(recorder.stop()).toEqual(['SelectQueryNode(audit_events)']);
  });

  it('a console that switched role reads its role credentials too, one query by key, and nothing else more', async () => {
    await makeUser(deps, account.id, 'switcher');
    await setUserPolicy({ ...t, deps }, account.id, 'switcher', 'assume', [
      { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' },
    ]);
    await insertTestRole({ ...t, deps }, account.id, 'Listers');
    await attachPolicy(
      deps,
      account.id,
      'role',
      'Listers',
      'arn:aws:iam::aws:policy/IAMReadOnlyAccess',
      CLI_ACTOR,
      SYSTEM_META,
    );
    const browser = await signInUser({ ...t, app, deps }, account.id, 'switcher');
    const csrf = await browser.csrf('/console/switch-role');
    const switched = await browser.post(
      '/console/switch-role',
      { account: account.id, roleName: 'Listers', displayName: '', colour: 'blue' },
      { csrf },
    );
    expect(switched.headers.location).toBe('/console');
    await deps.invalidations.pollNow();
    expect((await browser.get('/console')).statusCode).toBe(200);

    recorder.start();
    expect((await browser.get('/console')).statusCode).toBe(200);
    // The role credentials with their role, in one query; then only what any console home of a
    // reader of users asks (its recent sign-ins, administrators' notices, open requests for help):
    // the role's policies come from the decision cache.
    const [first, ...rest] = recorder.stop();
    expect(first).toBe('SelectQueryNode(accounts,roles,root_users,session_credentials,users)');
    expect(new Set(rest)).toEqual(
      new Set(['SelectQueryNode(audit_events)', 'SelectQueryNode(password_help_requests)']),
    );
  });
});
