import {
  AddUserToGroupCommand,
  AttachUserPolicyCommand,
  type IAMClient,
  PutUserPolicyCommand,
  TagUserCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { awsClients, keyFor } from '../../test/support/aws-clients.ts';
import { MANAGE_OWN_CREDENTIALS, setUserPolicy, signInUser } from '../../test/support/console.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { snapshotDatabase } from '../../test/support/db-snapshot.ts';
import { ROOT_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { listen } from '../../test/support/listen.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { addUserToGroup, createGroup, listGroupsForUser } from '../groups/group.service.ts';
import { findUserByName } from '../identities/user.repository.ts';
import { attachPolicy, listAttachedPolicies } from '../policies/attachment.service.ts';
import { listInlinePolicyNames, putInlinePolicy } from '../policies/inline-policy.service.ts';
import { createPolicy } from '../policies/managed-policy.service.ts';
import { escapeHtml } from '../shared/html.ts';
import { tagsOfUser } from '../user-tags/user-tag.service.ts';

const READ_ONLY = 'arn:aws:iam::aws:policy/IAMReadOnlyAccess';
const ADMINISTRATOR = 'arn:aws:iam::aws:policy/AdministratorAccess';
const enc = encodeURIComponent;

const document = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

/** The message an AWS SDK error carries, or the call's success as an error. */
async function apiRefusal(call: Promise<unknown>): Promise<{ name: string; message: string }> {
  try {
    await call;
  } catch (error) {
    const { name, message } = error as Error;
    return { name, message };
  }
  throw new Error('the API accepted what the console refused');
}

/** The section of the user page with this id, up to the next section. */
function section(body: string, id: string): string {
  return new RegExp(`<section class="card" id="${id}"[\\s\\S]*?</section>`).exec(body)?.[0] ?? '';
}

describe.each(DIALECTS)("a user's permissions, groups and tags in the console on %s", (dialect) => {
  let t: TestContext;
  let account: Awaited<ReturnType<typeof makeAccount>>;
  let root: Browser;
  let iam: IAMClient;

  async function signedInRoot(): Promise<Browser> {
    const browser = new Browser(t.app);
    expect(
      (await browser.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD })).statusCode,
    ).toBe(303);
    return browser;
  }

  beforeAll(async () => {
    t = await createTestContext(dialect);
    // The AWS SDK signs with the wall clock: the frozen clock starts there.
    t.clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    const endpoint = await listen(t.app);
    account = await makeAccount(t.deps);
    iam = awsClients(
      t,
      endpoint,
      await keyFor(t, { accountId: account.id, principalId: account.id, userName: null }),
    ).iam;
    await makeUser(t.deps, account.id, 'pat');
  });
  beforeEach(async () => {
    root = await signedInRoot();
  });
  afterAll(() => t.close());

  it('shows the sections with a local navigation, each heading in order', async () => {
    const page = await root.get('/console/users/pat');
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<nav class="local-nav" aria-label="Sections of this page">');
    for (const id of ['permissions', 'groups', 'security-credentials', 'tags', 'access']) {
      expect(page.body).toContain(`href="#${id}"`);
      expect(page.body).toContain(`id="${id}"`);
    }
    expect(section(page.body, 'groups')).toContain('There is no other group to add the user to.');
    const levels = [...page.body.matchAll(/<h([1-6])/g)].map((m) => Number(m[1]));
    expect(levels[0]).toBe(1);
    for (let i = 1; i < levels.length; i++) expect(levels[i]! - levels[i - 1]!).toBeLessThanOrEqual(1);
  });

  it('attaches AWS and customer managed policies from a list, to AWS’s quota, and detaches after a confirmation', async () => {
    await makeUser(t.deps, account.id, 'quinn');
    const own = await createPolicy(
      t.deps,
      account.id,
      { name: 'ReadBuckets', document: document([{ Effect: 'Allow', Action: 's3:Get*', Resource: '*' }]) },
      CLI_ACTOR,
      SYSTEM_META,
    );
    const choices = await root.get('/console/users/quinn/attach-policies');
    expect(choices.statusCode).toBe(200);
    expect(choices.body).toContain('AWS managed');
    expect(choices.body).toContain('Customer managed');
    expect(choices.body).toContain(`href="/console/policies/${enc(own.arn)}"`);

    const attached = await root.post(
      '/console/users/quinn/attach-policy',
      { policyArn: READ_ONLY },
      { csrfFrom: '/console/users/quinn/attach-policies' },
    );
    expect(attached.headers.location).toBe('/console/users/quinn?done=attached#permissions');
    await root.post('/console/users/quinn/attach-policy', { policyArn: own.arn }, { csrfFrom: '/console/users/quinn' });
    const page = await root.get('/console/users/quinn?done=attached');
    expect(page.body).toContain('The policy was attached to the user.');
    const permissions = section(page.body, 'permissions');
    expect(permissions).toContain('Managed policies (2 of 10)');
    expect(permissions).toContain(`href="/console/policies/${enc(READ_ONLY)}"`);
    expect(permissions).toContain(`href="/console/users/quinn/detach-policy?policyArn=${enc(own.arn)}"`);
    expect((await root.get('/console/users/quinn/attach-policies')).body).toContain('Attached');
    const events = await listAuditEvents(t.deps.db, { accountId: account.id, eventName: 'AttachUserPolicy', limit: 5 });
    expect(events.map((e) => JSON.parse(e.details!))).toContainEqual({ policyArn: own.arn });

    // Unknown policies are refused with the API's words, on the page that offered them.
    const unknown = `arn:aws:iam::${account.id}:policy/NoSuchPolicy`;
    const refused = await root.post(
      '/console/users/quinn/attach-policy',
      { policyArn: unknown },
      { csrfFrom: '/console/users/quinn' },
    );
    const api = await apiRefusal(iam.send(new AttachUserPolicyCommand({ UserName: 'quinn', PolicyArn: unknown })));
    expect(refused.statusCode).toBe(404);
    expect(refused.body).toContain(escapeHtml(api.message));
    expect(refused.body).toContain('<h1>Attach policies to quinn</h1>');

    // Ten at most, as AWS: the eleventh is refused with LimitExceeded.
    for (let i = 0; i < 8; i++) {
      const p = await createPolicy(
        t.deps,
        account.id,
        { name: `Filler${i}`, document: document([{ Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' }]) },
        CLI_ACTOR,
        SYSTEM_META,
      );
      await attachPolicy(t.deps, account.id, 'user', 'quinn', p.arn, CLI_ACTOR, SYSTEM_META);
    }
    const full = await root.post(
      '/console/users/quinn/attach-policy',
      { policyArn: ADMINISTRATOR },
      { csrfFrom: '/console/users/quinn' },
    );
    expect(full.statusCode).toBe(409);
    expect(full.body).toContain('Cannot exceed quota for PoliciesPerUser: 10');
    const fullPage = await root.get('/console/users/quinn');
    expect(fullPage.body).toContain('The user has the most managed policies AWS allows (10)');
    expect(fullPage.body).not.toContain('href="/console/users/quinn/attach-policies"');

    const confirm = await root.get(`/console/users/quinn/detach-policy?policyArn=${enc(own.arn)}`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('<h1>Detach ReadBuckets from quinn?</h1>');
    expect(confirm.body).toContain(`<input type="hidden" name="policyArn" value="${own.arn}">`);
    const detached = await root.post(
      '/console/users/quinn/detach-policy',
      { policyArn: own.arn },
      { csrfFrom: '/console/users/quinn' },
    );
    expect(detached.headers.location).toBe('/console/users/quinn?done=detached#permissions');
    expect((await listAttachedPolicies(t.deps, account.id, 'user', 'quinn')).map((a) => a.policyArn)).not.toContain(
      own.arn,
    );
    const gone = await root.get(`/console/users/quinn/detach-policy?policyArn=${enc(own.arn)}`);
    expect(gone.statusCode).toBe(404);
    expect(gone.body).toContain(escapeHtml(`Policy ${own.arn} was not found.`));
    const again = await root.post(
      '/console/users/quinn/detach-policy',
      { policyArn: own.arn },
      { csrfFrom: '/console/users/quinn' },
    );
    expect(again.statusCode).toBe(404);
    expect(again.body).toContain('<h1>User quinn</h1>');
  });

  it('decides each Attach button with iam:PolicyARN, as AttachUserPolicy is decided', async () => {
    await makeUser(t.deps, account.id, 'rae');
    await makeUser(t.deps, account.id, 'helper');
    await setUserPolicy(t, account.id, 'helper', 'attach-read-only-only', [
      { Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' },
      {
        Effect: 'Allow',
        Action: 'iam:AttachUserPolicy',
        Resource: '*',
        Condition: { ArnEquals: { 'iam:PolicyARN': READ_ONLY } },
      },
    ]);
    const helper = await signInUser(t, account.id, 'helper');
    const choices = await helper.get('/console/users/rae/attach-policies');
    expect(choices.statusCode).toBe(200);
    expect(choices.body).toContain(`name="policyArn" value="${READ_ONLY}"`);
    expect(choices.body).not.toContain(`name="policyArn" value="${ADMINISTRATOR}"`);
    const refused = await helper.post(
      '/console/users/rae/attach-policy',
      { policyArn: ADMINISTRATOR },
      { csrfFrom: '/console/users/rae' },
    );
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('iam:AttachUserPolicy');
    const ok = await helper.post(
      '/console/users/rae/attach-policy',
      { policyArn: READ_ONLY },
      { csrfFrom: '/console/users/rae' },
    );
    expect(ok.statusCode).toBe(303);
    // It may not detach: the page offers no Detach link.
    expect(section((await helper.get('/console/users/rae')).body, 'permissions')).not.toContain('detach-policy');
  });

  it('adds, edits and deletes inline policies, refusing documents exactly as PutUserPolicy does', async () => {
    await makeUser(t.deps, account.id, 'sol');
    const form = await root.get('/console/users/sol/inline-policies/new');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('<label for="f-policyDocument">Policy document (JSON)</label>');
    expect(form.body).toContain('&quot;Version&quot;: &quot;2012-10-17&quot;');

    const cases = [
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]}',
      '{"Version": "2012-10-17", "Statement": [{"Effect": "Permit", "Action": "s3:*", "Resource": "*"}]}',
      '{"Version": "2012-10-17", "Statement": [',
      document([{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::caf\u00e9\u20ac' }]),
    ];
    for (const policyDocument of cases) {
      const refused = await root.post(
        '/console/users/sol/inline-policies',
        { policyName: 'bad', policyDocument },
        { csrfFrom: '/console/users/sol/inline-policies/new' },
      );
      const api = await apiRefusal(
        iam.send(new PutUserPolicyCommand({ UserName: 'sol', PolicyName: 'bad', PolicyDocument: policyDocument })),
      );
      expect(refused.statusCode, policyDocument).toBe(400);
      expect(refused.body, policyDocument).toContain(escapeHtml(api.message));
      expect(refused.body).toContain(escapeHtml(policyDocument));
    }
    const badName = await root.post(
      '/console/users/sol/inline-policies',
      { policyName: 'has space', policyDocument: document([{ Effect: 'Allow', Action: 's3:*', Resource: '*' }]) },
      { csrfFrom: '/console/users/sol' },
    );
    expect(badName.statusCode).toBe(400);
    expect(badName.body).toContain('id="f-policyName-error"');
    expect(await listInlinePolicyNames(t.deps, account.id, 'user', 'sol')).toEqual([]);

    const first = document([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]);
    const saved = await root.post(
      '/console/users/sol/inline-policies',
      { policyName: 'reads', policyDocument: first },
      { csrfFrom: '/console/users/sol' },
    );
    expect(saved.headers.location).toBe('/console/users/sol/inline-policies/reads?done=inline-saved');
    const view = await root.get('/console/users/sol/inline-policies/reads?done=inline-saved');
    expect(view.body).toContain('The inline policy was saved.');
    expect(view.body).toContain(escapeHtml(first));

    const second = document([{ Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: '*' }]);
    expect(
      (
        await root.post(
          '/console/users/sol/inline-policies/reads',
          { policyDocument: second },
          { csrfFrom: '/console/users/sol' },
        )
      ).headers.location,
    ).toBe('/console/users/sol/inline-policies/reads?done=inline-saved');
    const tooBig = document([
      { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${'b'.repeat(2100)}` },
    ]);
    const big = await root.post(
      '/console/users/sol/inline-policies/reads',
      { policyDocument: tooBig },
      { csrfFrom: '/console/users/sol' },
    );
    expect(big.statusCode).toBe(409);
    expect(big.body).toContain('Maximum policy size of 2048 bytes exceeded for user sol');
    expect(big.body).toContain('<h1>Inline policy reads</h1>');

    const userPage = await root.get('/console/users/sol');
    expect(section(userPage.body, 'permissions')).toContain('href="/console/users/sol/inline-policies/reads"');
    const confirm = await root.get('/console/users/sol/inline-policies/reads/delete');
    expect(confirm.body).toContain('<h1>Delete inline policy reads?</h1>');
    const deleted = await root.post(
      '/console/users/sol/inline-policies/reads/delete',
      {},
      { csrfFrom: '/console/users/sol' },
    );
    expect(deleted.headers.location).toBe('/console/users/sol?done=inline-deleted#permissions');
    expect(await listInlinePolicyNames(t.deps, account.id, 'user', 'sol')).toEqual([]);
    expect((await root.get('/console/users/sol/inline-policies/reads')).statusCode).toBe(404);
  });

  it('sets a permissions boundary from the managed policies, decided with iam:PermissionsBoundary, and removes it after a confirmation', async () => {
    await makeUser(t.deps, account.id, 'ted');
    const choices = await root.get('/console/users/ted/permissions-boundary');
    expect(choices.statusCode).toBe(200);
    expect(choices.body).toContain(`name="permissionsBoundary" value="${READ_ONLY}"`);
    const set = await root.post(
      '/console/users/ted/permissions-boundary',
      { permissionsBoundary: READ_ONLY },
      { csrfFrom: '/console/users/ted' },
    );
    expect(set.headers.location).toBe('/console/users/ted?done=boundary-set#permissions');
    const page = await root.get('/console/users/ted');
    expect(page.body).toContain(`<dt>Permissions boundary</dt><dd>${READ_ONLY}</dd>`);
    expect(section(page.body, 'permissions')).toContain(
      'Capped by the permissions boundary IAMRead<wbr>Only<wbr>Access.',
    );
    expect((await root.get('/console/users/ted/permissions-boundary')).body).toContain('Current boundary');
    const unknown = await root.post(
      '/console/users/ted/permissions-boundary',
      { permissionsBoundary: `arn:aws:iam::${account.id}:policy/Nope` },
      { csrfFrom: '/console/users/ted' },
    );
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain(
      escapeHtml(`Policy arn:aws:iam::${account.id}:policy/Nope does not exist or is not attachable.`),
    );

    await makeUser(t.deps, account.id, 'bounder');
    await setUserPolicy(t, account.id, 'bounder', 'read-only-boundaries', [
      { Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' },
      {
        Effect: 'Allow',
        Action: 'iam:PutUserPermissionsBoundary',
        Resource: '*',
        Condition: { ArnEquals: { 'iam:PermissionsBoundary': READ_ONLY } },
      },
    ]);
    const bounder = await signInUser(t, account.id, 'bounder');
    await makeUser(t.deps, account.id, 'uma');
    const offered = await bounder.get('/console/users/uma/permissions-boundary');
    expect(offered.body).toContain(`value="${READ_ONLY}"`);
    expect(offered.body).not.toContain(`value="${ADMINISTRATOR}"`);
    expect(
      (
        await bounder.post(
          '/console/users/uma/permissions-boundary',
          { permissionsBoundary: ADMINISTRATOR },
          { csrfFrom: '/console/users/uma' },
        )
      ).statusCode,
    ).toBe(403);
    expect(section((await bounder.get('/console/users/ted')).body, 'permissions')).not.toContain('Remove boundary');

    const confirm = await root.get('/console/users/ted/permissions-boundary/delete');
    expect(confirm.body).toContain('<h1>Remove the permissions boundary of ted?</h1>');
    const removed = await root.post(
      '/console/users/ted/permissions-boundary/delete',
      {},
      { csrfFrom: '/console/users/ted' },
    );
    expect(removed.headers.location).toBe('/console/users/ted?done=boundary-removed#permissions');
    expect((await findUserByName(t.deps.db, account.id, 'ted'))!.permissionsBoundary).toBeNull();
  });

  it('summarises what the user may do, from the policy engine', async () => {
    await makeUser(t.deps, account.id, 'admin-ann');
    await attachPolicy(t.deps, account.id, 'user', 'admin-ann', ADMINISTRATOR, CLI_ACTOR, SYSTEM_META);
    const admin = section((await root.get('/console/users/admin-ann')).body, 'permissions');
    expect(admin).toContain('<strong>Administrator:</strong> may do every IAM and STS action on every resource.');
    expect(admin).toContain('<strong>iam</strong>: every action');
    expect(admin).toContain('<strong>Any other service</strong>');

    await makeUser(t.deps, account.id, 'vic');
    await createGroup(t.deps, account.id, { name: 'readers' }, CLI_ACTOR, SYSTEM_META);
    await attachPolicy(t.deps, account.id, 'group', 'readers', READ_ONLY, CLI_ACTOR, SYSTEM_META);
    await addUserToGroup(t.deps, account.id, 'readers', 'vic', CLI_ACTOR, SYSTEM_META);
    await setUserPolicy(t, account.id, 'vic', 'mixed', [
      ...MANAGE_OWN_CREDENTIALS,
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:List*'], Resource: 'arn:aws:s3:::reports/*' },
      {
        Effect: 'Allow',
        Action: 'sts:GetSessionToken',
        Resource: '*',
        Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } },
      },
      { Effect: 'Deny', Action: 'iam:GetAccountAuthorizationDetails', Resource: '*' },
    ]);
    const vic = section((await root.get('/console/users/vic')).body, 'permissions');
    expect(vic).toContain('Not an administrator.');
    expect(vic).toMatch(/<strong>iam<\/strong>: \d+ of \d+ actions \(\d+ only on some resources\)/);
    expect(vic).toContain('<strong>sts</strong>:');
    expect(vic).toContain('1 more only under conditions');
    expect(vic).toContain('<strong>s3</strong>: on some resources: s3:GetObject, s3:List*');
    expect(vic).not.toContain('Any other service');

    await makeUser(t.deps, account.id, 'wes');
    const nothing = section((await root.get('/console/users/wes')).body, 'permissions');
    expect(nothing).toContain('Its policies allow nothing yet');

    await makeUser(t.deps, account.id, 'lister');
    await setUserPolicy(t, account.id, 'lister', 'no-simulate', [
      { Effect: 'Allow', Action: ['iam:GetUser', 'iam:ListUsers'], Resource: '*' },
    ]);
    const lister = await signInUser(t, account.id, 'lister');
    const limited = await lister.get('/console/users/vic');
    expect(limited.statusCode).toBe(200);
    const text = section(limited.body, 'permissions');
    expect(text).toContain('Not shown: you do not have iam:SimulatePrincipalPolicy on this user.');
    expect(text).toContain('Not shown: you do not have iam:ListAttachedUserPolicies on this user.');
    expect(text).toContain('Not shown: you do not have iam:ListUserPolicies on this user.');
    expect(section(limited.body, 'groups')).toContain('Not shown: you do not have iam:ListGroupsForUser on this user.');
    expect(section(limited.body, 'tags')).toContain('Not shown: you do not have iam:ListUserTags on this user.');
  });

  it('adds the user to groups it may, and removes it after a confirmation, with the API’s errors', async () => {
    await makeUser(t.deps, account.id, 'xia');
    await createGroup(t.deps, account.id, { name: 'crew' }, CLI_ACTOR, SYSTEM_META);
    await createGroup(t.deps, account.id, { name: 'ops', path: '/teams/' }, CLI_ACTOR, SYSTEM_META);
    const page = await root.get('/console/users/xia');
    const groups = section(page.body, 'groups');
    expect(groups).toContain('Not in any group.');
    expect(groups).toContain('<option value="crew">crew</option>');
    expect(groups).toContain('<label for="f-groupName">Group to add the user to</label>');

    const added = await root.post(
      '/console/users/xia/groups',
      { groupName: 'crew' },
      { csrfFrom: '/console/users/xia' },
    );
    expect(added.headers.location).toBe('/console/users/xia?done=group-added#groups');
    const after = section((await root.get('/console/users/xia')).body, 'groups');
    expect(after).toContain('<a href="/console/groups/crew">crew</a>');
    expect(after).not.toContain('<option value="crew">');
    expect(after).toContain('href="/console/users/xia/groups/remove?groupName=crew"');

    const missing = await root.post(
      '/console/users/xia/groups',
      { groupName: 'nope' },
      { csrfFrom: '/console/users/xia' },
    );
    const api = await apiRefusal(iam.send(new AddUserToGroupCommand({ UserName: 'xia', GroupName: 'nope' })));
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toContain(escapeHtml(api.message));
    expect(section(missing.body, 'groups')).toContain('role="alert"');

    // A delegate who may add users to `ops` only (by the group's ARN, with its path) is offered `ops` only.
    await makeUser(t.deps, account.id, 'lead');
    await setUserPolicy(t, account.id, 'lead', 'ops-only', [
      { Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' },
      { Effect: 'Allow', Action: 'iam:AddUserToGroup', Resource: `arn:aws:iam::${account.id}:group/teams/ops` },
    ]);
    const lead = await signInUser(t, account.id, 'lead');
    const offered = section((await lead.get('/console/users/xia')).body, 'groups');
    expect(offered).toContain('<option value="ops">ops</option>');
    expect(offered).not.toContain('Remove');
    const refused = await lead.post(
      '/console/users/xia/groups',
      { groupName: 'crew' },
      { csrfFrom: '/console/users/xia' },
    );
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('iam:AddUserToGroup');

    const confirm = await root.get('/console/users/xia/groups/remove?groupName=crew');
    expect(confirm.body).toContain('<h1>Remove xia from crew?</h1>');
    const removed = await root.post(
      '/console/users/xia/groups/remove',
      { groupName: 'crew' },
      { csrfFrom: '/console/users/xia' },
    );
    expect(removed.headers.location).toBe('/console/users/xia?done=group-removed#groups');
    expect(await listGroupsForUser(t.deps, account.id, 'xia')).toEqual([]);
    const notMember = await root.post(
      '/console/users/xia/groups/remove',
      { groupName: 'crew' },
      { csrfFrom: '/console/users/xia' },
    );
    expect(notMember.statusCode).toBe(404);
    expect(notMember.body).toContain('The user with name xia is not a member of the group crew.');
    expect((await root.get('/console/users/xia/groups/remove?groupName=crew')).statusCode).toBe(404);

    // Ten groups at most, as AWS.
    for (let i = 0; i < 10; i++) {
      await createGroup(t.deps, account.id, { name: `g${i}` }, CLI_ACTOR, SYSTEM_META);
      await addUserToGroup(t.deps, account.id, `g${i}`, 'xia', CLI_ACTOR, SYSTEM_META);
    }
    const eleventh = await root.post(
      '/console/users/xia/groups',
      { groupName: 'crew' },
      { csrfFrom: '/console/users/xia' },
    );
    expect(eleventh.statusCode).toBe(409);
    expect(eleventh.body).toContain('Cannot exceed quota for GroupsPerUser: 10');
  });

  it('tags and untags the user, refusing what TagUser and UntagUser refuse, with their words', async () => {
    await makeUser(t.deps, account.id, 'yan');
    const added = await root.post(
      '/console/users/yan/tags',
      { tagKey: 'team', tagValue: 'blue' },
      { csrfFrom: '/console/users/yan' },
    );
    expect(added.headers.location).toBe('/console/users/yan?done=tagged#tags');
    await root.post(
      '/console/users/yan/tags',
      { tagKey: 'TEAM', tagValue: 'green' },
      { csrfFrom: '/console/users/yan' },
    );
    await root.post(
      '/console/users/yan/tags',
      { tagKey: 'cost-centre', tagValue: '' },
      { csrfFrom: '/console/users/yan' },
    );
    expect(await tagsOfUser(t.deps, account.id, 'yan')).toEqual(
      expect.arrayContaining([
        { key: 'TEAM', value: 'green' },
        { key: 'cost-centre', value: '' },
      ]),
    );
    const tags = section((await root.get('/console/users/yan')).body, 'tags');
    expect(tags).toContain('Tags (2)');
    expect(tags).toContain('<input type="hidden" name="tagKey" value="TEAM">');

    for (const [tagKey, tagValue, field] of [
      ['bad*key', 'x', 'tagKey'],
      ['fine', 'bad!value', 'tagValue'],
      ['', 'x', 'tagKey'],
    ] as const) {
      const refused = await root.post(
        '/console/users/yan/tags',
        { tagKey, tagValue },
        { csrfFrom: '/console/users/yan' },
      );
      const api = await apiRefusal(
        iam.send(new TagUserCommand({ UserName: 'yan', Tags: [{ Key: tagKey, Value: tagValue }] })),
      );
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toContain(escapeHtml(api.message));
      expect(refused.body).toContain(`id="f-${field}-error"`);
    }

    const removed = await root.post(
      '/console/users/yan/tags/remove',
      { tagKey: 'TEAM' },
      { csrfFrom: '/console/users/yan' },
    );
    expect(removed.headers.location).toBe('/console/users/yan?done=untagged#tags');
    expect(await tagsOfUser(t.deps, account.id, 'yan')).toEqual([{ key: 'cost-centre', value: '' }]);
  });

  it('shows a read-only administrator every section and no form, refuses every page and POST that changes, and changes nothing', async () => {
    await makeUser(t.deps, account.id, 'zed');
    await createGroup(t.deps, account.id, { name: 'zed-team' }, CLI_ACTOR, SYSTEM_META);
    await addUserToGroup(t.deps, account.id, 'zed-team', 'zed', CLI_ACTOR, SYSTEM_META);
    await attachPolicy(t.deps, account.id, 'user', 'zed', READ_ONLY, CLI_ACTOR, SYSTEM_META);
    await putInlinePolicy(
      t.deps,
      account.id,
      'user',
      'zed',
      'own',
      document([{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }]),
      CLI_ACTOR,
      SYSTEM_META,
    );
    await root.post('/console/users/zed/tags', { tagKey: 'team', tagValue: 'z' }, { csrfFrom: '/console/users/zed' });
    await makeUser(t.deps, account.id, 'auditor');
    await attachPolicy(t.deps, account.id, 'user', 'auditor', READ_ONLY, CLI_ACTOR, SYSTEM_META);
    const auditor = await signInUser(t, account.id, 'auditor');

    const page = await auditor.get('/console/users/zed');
    expect(page.statusCode).toBe(200);
    expect(section(page.body, 'permissions')).toContain('IAMRead<wbr>Only<wbr>Access');
    expect(section(page.body, 'permissions')).toContain('href="/console/users/zed/inline-policies/own"');
    expect(section(page.body, 'permissions')).toContain('Not an administrator.');
    expect(section(page.body, 'groups')).toContain('zed-team');
    expect(section(page.body, 'tags')).toContain('team');
    expect(page.body).not.toMatch(/<form method="post" action="\/console\/users/);
    expect(page.body).not.toMatch(/<form method="get" action="\/console\/users/);
    for (const link of [
      'attach-policies',
      'detach-policy',
      'inline-policies/new',
      'permissions-boundary',
      '/delete',
      'groups/remove',
    ])
      expect(page.body, link).not.toContain(link);
    const inline = await auditor.get('/console/users/zed/inline-policies/own');
    expect(inline.statusCode).toBe(200);
    expect(inline.body).toContain('<pre class="policy-document"');
    expect(inline.body).not.toContain('<textarea');

    for (const [url, action] of [
      ['/console/users/zed/attach-policies', 'iam:AttachUserPolicy'],
      [`/console/users/zed/detach-policy?policyArn=${enc(READ_ONLY)}`, 'iam:DetachUserPolicy'],
      ['/console/users/zed/inline-policies/new', 'iam:PutUserPolicy'],
      ['/console/users/zed/inline-policies/own/delete', 'iam:DeleteUserPolicy'],
      ['/console/users/zed/permissions-boundary/delete', 'iam:DeleteUserPermissionsBoundary'],
      ['/console/users/zed/groups/remove?groupName=zed-team', 'iam:RemoveUserFromGroup'],
      ['/console/users/zed/delete', 'iam:DeleteUser'],
    ] as const) {
      const refused = await auditor.get(url);
      if (url.endsWith('attach-policies')) {
        // The list of policies is readable; no Attach button is offered.
        expect(refused.statusCode, url).toBe(200);
        expect(refused.body).not.toContain('name="policyArn"');
        continue;
      }
      expect(refused.statusCode, url).toBe(403);
      expect(refused.body, url).toContain(action);
    }
    const before = await snapshotDatabase(t.database);
    const csrf = await auditor.csrf('/console/users/zed');
    for (const [url, fields] of [
      ['/console/users/zed/attach-policy', { policyArn: ADMINISTRATOR }],
      ['/console/users/zed/detach-policy', { policyArn: READ_ONLY }],
      ['/console/users/zed/inline-policies', { policyName: 'x', policyDocument: '{}' }],
      ['/console/users/zed/inline-policies/own', { policyDocument: '{}' }],
      ['/console/users/zed/inline-policies/own/delete', {}],
      ['/console/users/zed/permissions-boundary', { permissionsBoundary: READ_ONLY }],
      ['/console/users/zed/permissions-boundary/delete', {}],
      ['/console/users/zed/groups', { groupName: 'readers' }],
      ['/console/users/zed/groups/remove', { groupName: 'zed-team' }],
      ['/console/users/zed/tags', { tagKey: 'k', tagValue: 'v' }],
      ['/console/users/zed/tags/remove', { tagKey: 'team' }],
    ] as const) {
      const refused = await auditor.post(url, fields, { csrf });
      expect(refused.statusCode, url).toBe(403);
      expect(refused.body, url).toContain('href="/console/users"');
    }
    expect(await snapshotDatabase(t.database)).toEqual(before);
  });
});
