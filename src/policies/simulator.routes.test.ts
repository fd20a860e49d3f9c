import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, USER_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { attachPolicy } from './attachment.service.ts';
import { putInlinePolicy } from './inline-policy.service.ts';

describe.each(DIALECTS)('the console policy simulator on %s', (dialect) => {
  let t: TestContext;
  let account: Awaited<ReturnType<typeof makeAccount>>;
  const alias = `sim-${dialect}`;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    account = await makeAccount(t.deps, { alias });
    await makeUser(t.deps, account.id, 'alice');
    await makeUser(t.deps, account.id, 'bob');
  });
  afterAll(() => t.close());

  async function signedInRoot(): Promise<Browser> {
    const browser = new Browser(t.app);
    expect(
      (await browser.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD })).statusCode,
    ).toBe(303);
    return browser;
  }

  async function signedInUser(name: string): Promise<Browser> {
    const browser = new Browser(t.app);
    expect((await browser.post(`/signin/${alias}`, { userName: name, password: USER_PASSWORD })).statusCode).toBe(303);
    return browser;
  }

  const decisions = (body: string) => [...body.matchAll(/data-decision="(\w+)"/g)].map((m) => m[1]);
  const arn = (name: string) => `arn:aws:iam::${account.id}:user/${name}`;

  it('answers "can this user do X?" for the root user, with the deciding policy', async () => {
    const root = await signedInRoot();
    const before = await root.get(
      `/console/policy-simulator?user=alice&actions=${encodeURIComponent('iam:ChangePassword iam:DeleteUser')}&resource=${encodeURIComponent(arn('alice'))}`,
    );
    expect(before.statusCode).toBe(200);
    expect(decisions(before.body)).toEqual(['implicitDeny', 'implicitDeny']);

    await attachPolicy(
      t.deps,
      account.id,
      'user',
      'alice',
      'arn:aws:iam::aws:policy/IAMUserChangePassword',
      CLI_ACTOR,
      SYSTEM_META,
    );
    const after = await root.get(
      `/console/policy-simulator?user=alice&actions=iam:ChangePassword&resource=${encodeURIComponent(arn('alice'))}`,
    );
    expect(decisions(after.body)).toEqual(['allowed']);
    expect(after.body).toContain('arn:aws:iam::aws:policy/IAMUserChangePassword (aws-managed), statement 1');
  });

  it('lets the administrator try the request with and without MFA', async () => {
    await putInlinePolicy(
      t.deps,
      account.id,
      'user',
      'alice',
      'MfaForKeys',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: {
          Effect: 'Allow',
          Action: 'iam:CreateAccessKey',
          Resource: '*',
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        },
      }),
      CLI_ACTOR,
      SYSTEM_META,
    );
    const root = await signedInRoot();
    expect(
      decisions((await root.get('/console/policy-simulator?user=alice&actions=iam:CreateAccessKey')).body),
    ).toEqual(['implicitDeny']);
    expect(
      decisions((await root.get('/console/policy-simulator?user=alice&actions=iam:CreateAccessKey&mfa=1')).body),
    ).toEqual(['allowed']);
  });

  it('expands a wildcard into the IAM and STS actions it names, and refuses one over a service it cannot list', async () => {
    const root = await signedInRoot();
    const page = await root.get(
      `/console/policy-simulator?user=alice&actions=${encodeURIComponent('iam:*loginprofile sts:GetCallerIdentity')}`,
    );
    expect(page.statusCode).toBe(200);
    const rows = [...page.body.matchAll(/<tr data-decision="\w+">\s*<td>([^<]+)<\/td>/g)].map((m) => m[1]);
    expect(rows).toEqual([
      'iam:CreateLoginProfile',
      'iam:DeleteLoginProfile',
      'iam:GetLoginProfile',
      'iam:UpdateLoginProfile',
      'sts:GetCallerIdentity',
    ]);
    const refused = await root.get(`/console/policy-simulator?user=alice&actions=${encodeURIComponent('s3:Get*')}`);
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('s3:Get* has a wildcard');
    expect(refused.body).not.toContain('data-decision');
  });

  it('refuses a user without the permission, naming the permission it lacks', async () => {
    const bob = await signedInUser('bob');
    const refused = await bob.get('/console/policy-simulator?user=alice&actions=iam:GetUser');
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain(`None of your policies allows iam:SimulatePrincipalPolicy on ${arn('alice')}`);
    expect(refused.body).not.toContain('data-decision');

    await attachPolicy(
      t.deps,
      account.id,
      'user',
      'bob',
      'arn:aws:iam::aws:policy/IAMReadOnlyAccess',
      CLI_ACTOR,
      SYSTEM_META,
    );
    const allowed = await bob.get('/console/policy-simulator?user=alice&actions=iam:GetUser');
    expect(allowed.statusCode).toBe(200);
    expect(decisions(allowed.body)).toEqual(['implicitDeny']);
  });

  it("decides any service's actions on its own resources, and refuses a name that is not service:Action", async () => {
    await putInlinePolicy(
      t.deps,
      account.id,
      'user',
      'alice',
      'Notes',
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          { Effect: 'Allow', Action: 'notes:GetNote', Resource: `arn:aws:notes:eu-west-1:${account.id}:note/alice/*` },
          { Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' },
        ],
      }),
      CLI_ACTOR,
      SYSTEM_META,
    );
    const root = await signedInRoot();
    const ask = (actions: string, resource: string) =>
      root.get(
        `/console/policy-simulator?user=alice&actions=${encodeURIComponent(actions)}&resource=${encodeURIComponent(resource)}`,
      );
    const notes = await ask('notes:GetNote notes:DeleteNote', `arn:aws:notes:eu-west-1:${account.id}:note/alice/1`);
    expect(notes.statusCode).toBe(200);
    expect(decisions(notes.body)).toEqual(['allowed', 'implicitDeny']);
    expect(notes.body).toContain('Notes (user), statement 1');
    expect(decisions((await ask('s3:GetObject s3:PutObject', 'arn:aws:s3:::reports/q1.csv')).body)).toEqual([
      'allowed',
      'implicitDeny',
    ]);
    expect(decisions((await ask('s3:GetObject', 'arn:aws:s3:::private/q1.csv')).body)).toEqual(['implicitDeny']);
    for (const name of ['GetNote', 'notes:', 'notes:Get Note', ':GetNote']) {
      const refused = await ask(name, '*');
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain('is not an action name of the form service:Action');
      expect(refused.body).not.toContain('data-decision');
    }
  });
});
