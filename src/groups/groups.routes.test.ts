import { CreateGroupCommand, PutGroupPolicyCommand } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients, keyFor } from '../../test/support/aws-clients.ts';
import { setUserPolicy, signInUser } from '../../test/support/console.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { snapshotDatabase } from '../../test/support/db-snapshot.ts';
import { ROOT_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { listen } from '../../test/support/listen.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { attachPolicy, listAttachedPolicies } from '../policies/attachment.service.ts';
import { getInlinePolicy, listInlinePolicyNames, putInlinePolicy } from '../policies/inline-policy.service.ts';
import { createPolicy } from '../policies/managed-policy.service.ts';
import { addUserToGroup, createGroup, getGroup, listGroups } from './group.service.ts';
import { pageText as text } from '../../test/support/page-text.ts';

const READ_ONLY = 'arn:aws:iam::aws:policy/IAMReadOnlyAccess';
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const CHANGE_PASSWORD = 'arn:aws:iam::aws:policy/IAMUserChangePassword';

const doc = (statement: object) => JSON.stringify({ Version: '2012-10-17', Statement: [statement] });
const LIST_BUCKETS = doc({ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' });

describe.each(DIALECTS)('the Groups pages on %s', (dialect) => {
  let t: TestContext;

  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(() => t.close());

  async function rootBrowser(email: string): Promise<Browser> {
    const browser = new Browser(t.app);
    const response = await browser.post('/signin/root/password', { email, password: ROOT_PASSWORD });
    expect(response.headers.location).toBe('/console');
    return browser;
  }

  async function ownerOfNewAccount() {
    const account = await makeAccount(t.deps);
    const root = await rootBrowser(account.email);
    const csrf = await root.csrf('/console/groups');
    return { account, root, csrf };
  }

  it('lists, creates (with a path) and shows a group; refuses a bad or taken name with AWS’s message', async () => {
    const { account, root, csrf } = await ownerOfNewAccount();
    expect((await root.get('/console')).body).toContain('href="/console/groups"');
    const empty = await root.get('/console/groups');
    expect(empty.statusCode).toBe(200);
    expect(empty.body).toContain('No groups yet.');
    expect(empty.body).toContain('action="/console/groups"');

    const created = await root.post('/console/groups', { groupName: 'Developers', path: '/eng/' }, { csrf });
    expect(created.statusCode).toBe(303);
    expect(created.headers.location).toBe('/console/groups/Developers?done=created');
    const shown = await root.get('/console/groups/Developers?done=created');
    expect(shown.statusCode).toBe(200);
    expect(shown.body).toContain('The group was created.');
    expect(text(shown.body)).toContain(`arn:aws:iam::${account.id}:group/eng/Developers`);
    expect(shown.body).toContain('<dd>/eng/</dd>');

    const list = await root.get('/console/groups');
    expect(list.body).toContain('<a href="/console/groups/Developers">Developers</a>');
    expect(text(list.body)).toMatch(/Developers \/eng\/ 0 just now/);

    const bad = await root.post('/console/groups', { groupName: 'two words', path: '' }, { csrf });
    expect(bad.statusCode).toBe(400);
    expect(text(bad.body)).toContain(
      "Value 'two words' at 'groupName' failed to satisfy constraint: Member must satisfy regular expression pattern",
    );
    expect(bad.body).toContain('value="two words"');
    expect(bad.body).toMatch(/id="f-groupName"[^>]*aria-invalid="true"/);

    const taken = await root.post('/console/groups', { groupName: 'DEVELOPERS' }, { csrf });
    expect(taken.statusCode).toBe(409);
    expect(taken.body).toContain('Group with name DEVELOPERS already exists.');

    const badPath = await root.post('/console/groups', { groupName: 'Ops', path: 'eng' }, { csrf });
    expect(badPath.statusCode).toBe(400);
    expect(badPath.body).toMatch(/id="f-path"[^>]*aria-invalid="true"/);
    expect((await listGroups(t.deps, account.id)).map((g) => g.name)).toEqual(['Developers']);

    const unknown = await root.get('/console/groups/Nobody');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('The group with name Nobody cannot be found.');
    const events = await listAuditEvents(t.deps.db, { accountId: account.id, limit: 50 });
    expect(events.filter((e) => e.eventName === 'CreateGroup').map((e) => e.actorType)).toEqual(['root']);
  });

  it('pages the list past 50 groups, with the users of each', async () => {
    const { account, root } = await ownerOfNewAccount();
    await makeUser(t.deps, account.id, 'ann');
    for (let i = 1; i <= 55; i++) {
      await createGroup(t.deps, account.id, { name: `team-${String(i).padStart(2, '0')}` }, CLI_ACTOR, SYSTEM_META);
    }
    await addUserToGroup(t.deps, account.id, 'team-01', 'ann', CLI_ACTOR, SYSTEM_META);
    const first = await root.get('/console/groups');
    expect(first.body.match(/<tr><td><a href="\/console\/groups\/team-/g)).toHaveLength(50);
    expect(text(first.body)).toContain('team-01 1 just now');
    expect(first.body).toContain('Page 1 of 2 (55 groups)');
    expect(first.body).toContain('href="/console/groups?page=2" rel="next"');
    expect(first.body).not.toContain('team-51');
    const second = await root.get('/console/groups?page=2');
    expect(second.body.match(/<tr><td><a href="\/console\/groups\/team-/g)).toHaveLength(5);
    expect(second.body).toContain('team-55');
    expect(second.body).toContain('href="/console/groups?page=1" rel="prev"');
    expect((await root.get('/console/groups?page=99')).body).toContain('Page 2 of 2');
    expect((await root.get('/console/groups?page=nonsense')).body).toContain('Page 1 of 2');
  });

  it('adds users from a list of those not in the group, removes them, and says why a change is refused', async () => {
    const { account, root, csrf } = await ownerOfNewAccount();
    for (const name of ['ann', 'bob', 'cy']) await makeUser(t.deps, account.id, name);
    await createGroup(t.deps, account.id, { name: 'Readers' }, CLI_ACTOR, SYSTEM_META);
    const before = await root.get('/console/groups/Readers');
    expect(before.body).toContain('<select id="f-userName" name="userName">');
    expect(before.body).toContain('<option value="bob">bob</option>');

    const added = await root.post('/console/groups/Readers/add-user', { userName: 'bob' }, { csrf });
    expect(added.headers.location).toBe('/console/groups/Readers?done=user-added');
    const after = await root.get('/console/groups/Readers');
    expect(after.body).toContain('<a href="/console/users/bob">bob</a>');
    expect(after.body).not.toContain('<option value="bob">');
    expect(after.body).toContain('<option value="ann">ann</option>');
    expect(after.body).toContain('Users (1)');

    const unknown = await root.post('/console/groups/Readers/add-user', { userName: 'zed' }, { csrf });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain('The user with name zed cannot be found.');

    const removed = await root.post('/console/groups/Readers/remove-user', { userName: 'bob' }, { csrf });
    expect(removed.headers.location).toBe('/console/groups/Readers?done=user-removed');
    expect((await getGroup(t.deps, account.id, 'Readers')).users).toEqual([]);
    const notMember = await root.post('/console/groups/Readers/remove-user', { userName: 'bob' }, { csrf });
    expect(notMember.statusCode).toBe(404);
    expect(notMember.body).toContain('The user with name bob is not a member of the group Readers.');
    expect(notMember.body).toContain('<h1>Group Readers</h1>');

    // AWS's GroupsPerUser quota: the eleventh group is refused.
    for (let i = 1; i <= 10; i++) {
      await createGroup(t.deps, account.id, { name: `g${i}` }, CLI_ACTOR, SYSTEM_META);
      await addUserToGroup(t.deps, account.id, `g${i}`, 'cy', CLI_ACTOR, SYSTEM_META);
    }
    const eleventh = await root.post('/console/groups/Readers/add-user', { userName: 'cy' }, { csrf });
    expect(eleventh.statusCode).toBe(409);
    expect(eleventh.body).toContain('Cannot exceed quota for GroupsPerUser: 10');

    const noGroup = await root.post('/console/groups/Nobody/add-user', { userName: 'ann' }, { csrf });
    expect(noGroup.statusCode).toBe(404);
    expect(noGroup.body).toContain('The group with name Nobody cannot be found.');
  });

  it('attaches AWS managed and customer managed policies from a list linking to each, and detaches after a confirmation', async () => {
    const { account, root, csrf } = await ownerOfNewAccount();
    await createGroup(t.deps, account.id, { name: 'Ops' }, CLI_ACTOR, SYSTEM_META);
    const own = await createPolicy(
      t.deps,
      account.id,
      { name: 'ListBuckets', document: LIST_BUCKETS },
      CLI_ACTOR,
      SYSTEM_META,
    );
    const group = await root.get('/console/groups/Ops');
    expect(group.body).toContain('No managed policies attached.');
    expect(group.body).toContain('href="/console/groups/Ops/attach-policies"');

    const choose = await root.get('/console/groups/Ops/attach-policies');
    expect(choose.statusCode).toBe(200);
    expect(choose.body).toContain(`href="/console/policies/${encodeURIComponent(READ_ONLY)}"`);
    expect(choose.body).toContain(`href="/console/policies/${encodeURIComponent(own.arn)}"`);
    expect(text(choose.body)).toContain('ListBuckets Customer managed');
    expect(text(choose.body)).toContain('AWS managed');

    for (const policyArn of [READ_ONLY, own.arn]) {
      const attached = await root.post('/console/groups/Ops/attach-policy', { policyArn }, { csrf });
      expect(attached.headers.location).toBe('/console/groups/Ops?done=attached');
    }
    const shown = await root.get('/console/groups/Ops');
    expect(shown.body).toContain('Managed policies (2 of 10)');
    expect(shown.body).toContain(`<a href="/console/policies/${encodeURIComponent(own.arn)}">List<wbr>Buckets</a>`);
    expect(text(shown.body)).toContain('IAMReadOnlyAccess AWS managed');
    const detachHref = `/console/groups/Ops/detach-policy?policyArn=${encodeURIComponent(READ_ONLY)}`;
    expect(shown.body).toContain(`href="${detachHref.replace(/&/g, '&amp;')}"`);
    expect(text((await root.get('/console/groups/Ops/attach-policies')).body)).toContain(
      'IAMReadOnlyAccess AWS managed · Provides read only access to IAM via the AWS Management Console. Attached',
    );

    const unknown = await root.post(
      '/console/groups/Ops/attach-policy',
      { policyArn: `arn:aws:iam::${account.id}:policy/Nothing` },
      { csrf },
    );
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toContain(
      `Policy arn:aws:iam::${account.id}:policy/Nothing does not exist or is not attachable.`,
    );
    expect(unknown.body).toContain('<h1>Attach policies to Ops</h1>');

    const confirm = await root.get(detachHref);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Detach IAMReadOnlyAccess from Ops?');
    expect(confirm.body).toContain(`name="policyArn" value="${READ_ONLY}"`);
    const detached = await root.post('/console/groups/Ops/detach-policy', { policyArn: READ_ONLY }, { csrf });
    expect(detached.headers.location).toBe('/console/groups/Ops?done=detached');
    expect((await listAttachedPolicies(t.deps, account.id, 'group', 'Ops')).map((a) => a.policyArn)).toEqual([own.arn]);
    const again = await root.post('/console/groups/Ops/detach-policy', { policyArn: READ_ONLY }, { csrf });
    expect(again.statusCode).toBe(404);
    expect(again.body).toContain(`Policy ${READ_ONLY} was not found.`);
    const notAttached = await root.get(detachHref);
    expect(notAttached.statusCode).toBe(404);
    expect(notAttached.body).toContain(`Policy ${READ_ONLY} was not found.`);

    // AWS's PoliciesPerGroup quota.
    for (let i = 1; i <= 9; i++) {
      const p = await createPolicy(
        t.deps,
        account.id,
        { name: `p${i}`, document: LIST_BUCKETS },
        CLI_ACTOR,
        SYSTEM_META,
      );
      await attachPolicy(t.deps, account.id, 'group', 'Ops', p.arn, CLI_ACTOR, SYSTEM_META);
    }
    const full = await root.post('/console/groups/Ops/attach-policy', { policyArn: ADMIN }, { csrf });
    expect(full.statusCode).toBe(409);
    expect(full.body).toContain('Cannot exceed quota for PoliciesPerGroup: 10');
    expect(full.body).toContain('Detach one before attaching another.');
  });

  it('adds, edits and deletes inline policies, validating the JSON exactly as PutGroupPolicy', async () => {
    const { account, root, csrf } = await ownerOfNewAccount();
    await createGroup(t.deps, account.id, { name: 'Auditors' }, CLI_ACTOR, SYSTEM_META);
    const group = await root.get('/console/groups/Auditors');
    expect(group.body).toContain('No inline policies.');
    const form = await root.get('/console/groups/Auditors/add-inline-policy');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('<label for="f-policyDocument">Policy document (JSON)</label>');
    expect(form.body).toContain('&quot;Version&quot;: &quot;2012-10-17&quot;');

    const malformed = await root.post(
      '/console/groups/Auditors/inline-policies',
      { policyName: 'Buckets', policyDocument: doc({ Effect: 'Allow', Action: 's3:List:Bucket', Resource: '*' }) },
      { csrf },
    );
    expect(malformed.statusCode).toBe(400);
    expect(malformed.body).toContain('Actions/Condition can contain only one colon.');
    expect(malformed.body).toContain('value="Buckets"');
    expect(malformed.body).toContain('s3:List:Bucket');
    expect(malformed.body).toMatch(/<textarea id="f-policyDocument"[^>]*aria-invalid="true"/);

    const badName = await root.post(
      '/console/groups/Auditors/inline-policies',
      { policyName: 'no spaces', policyDocument: LIST_BUCKETS },
      { csrf },
    );
    expect(badName.statusCode).toBe(400);
    expect(badName.body).toMatch(/id="f-policyName"[^>]*aria-invalid="true"/);

    const saved = await root.post(
      '/console/groups/Auditors/inline-policies',
      { policyName: 'Buckets', policyDocument: LIST_BUCKETS },
      { csrf },
    );
    expect(saved.headers.location).toBe('/console/groups/Auditors/inline-policies/Buckets?done=inline-saved');
    const view = await root.get('/console/groups/Auditors/inline-policies/Buckets?done=inline-saved');
    expect(view.body).toContain('The inline policy was saved.');
    expect(view.body).toContain('s3:ListAllMyBuckets');
    expect((await root.get('/console/groups/Auditors')).body).toContain(
      '<a href="/console/groups/Auditors/inline-policies/Buckets">Buckets</a>',
    );

    const edited = doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::reports/*' });
    const edit = await root.post(
      '/console/groups/Auditors/inline-policies/Buckets',
      { policyDocument: edited },
      { csrf },
    );
    expect(edit.headers.location).toBe('/console/groups/Auditors/inline-policies/Buckets?done=inline-saved');
    expect((await getInlinePolicy(t.deps, account.id, 'group', 'Auditors', 'Buckets')).document).toBe(edited);

    const refused = await root.post(
      '/console/groups/Auditors/inline-policies/Buckets',
      { policyDocument: doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: '*', Principal: { AWS: '*' } }) },
      { csrf },
    );
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Policy document should not specify a principal.');
    expect((await getInlinePolicy(t.deps, account.id, 'group', 'Auditors', 'Buckets')).document).toBe(edited);

    // The group's inline policies together hold at most 5,120 characters besides white space.
    const big = doc({
      Effect: 'Allow',
      Action: Array.from({ length: 450 }, (_, i) => `s3:Action${i}`),
      Resource: '*',
    });
    const tooBig = await root.post(
      '/console/groups/Auditors/inline-policies',
      { policyName: 'Huge', policyDocument: big },
      { csrf },
    );
    expect(tooBig.statusCode).toBe(409);
    expect(tooBig.body).toContain('Maximum policy size of 5120 bytes exceeded for group Auditors');

    const confirm = await root.get('/console/groups/Auditors/inline-policies/Buckets/delete');
    expect(confirm.body).toContain('Delete inline policy Buckets?');
    expect(confirm.body).toContain('action="/console/groups/Auditors/inline-policies/Buckets/delete"');
    const deleted = await root.post('/console/groups/Auditors/inline-policies/Buckets/delete', {}, { csrf });
    expect(deleted.headers.location).toBe('/console/groups/Auditors?done=inline-deleted');
    expect(await listInlinePolicyNames(t.deps, account.id, 'group', 'Auditors')).toEqual([]);
    for (const url of [
      '/console/groups/Auditors/inline-policies/Buckets',
      '/console/groups/Auditors/inline-policies/Buckets/delete',
    ]) {
      const gone = await root.get(url);
      expect(gone.statusCode, url).toBe(404);
      expect(gone.body, url).toContain('The group policy with name Buckets cannot be found.');
    }
  });

  it('refuses each document the Query API refuses, with the same code and message', async () => {
    // The SDK signs with the wall clock.
    t.clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    const { account, root, csrf } = await ownerOfNewAccount();
    const endpoint = await listen(t.app);
    const { iam } = awsClients(
      t,
      endpoint,
      await keyFor(t, { accountId: account.id, principalId: account.id, userName: null }),
    );
    await iam.send(new CreateGroupCommand({ GroupName: 'Same' }));
    const documents = [
      '',
      'not json',
      doc({ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:us-east-1::reports' }),
      JSON.stringify({ Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }] }),
      doc({ Sid: 'café', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }),
      doc({ Sid: 'émoji🙂', Effect: 'Allow', Action: 's3:GetObject', Resource: '*' }),
    ];
    for (const policyDocument of documents) {
      const api = await iam
        .send(new PutGroupPolicyCommand({ GroupName: 'Same', PolicyName: 'P', PolicyDocument: policyDocument }))
        .then(
          () => null,
          (e: Error & { Code?: string; $metadata?: { httpStatusCode?: number } }) => ({
            status: e.$metadata?.httpStatusCode,
            message: e.message,
          }),
        );
      const page = await root.post(
        '/console/groups/Same/inline-policies',
        { policyName: 'P', policyDocument },
        { csrf },
      );
      expect(api, policyDocument).not.toBeNull();
      expect(page.statusCode, policyDocument).toBe(api!.status);
      expect(text(page.body), policyDocument).toContain(api!.message);
    }
    expect(await listInlinePolicyNames(t.deps, account.id, 'group', 'Same')).toEqual([]);
  });

  it('renames and moves a group, keeping its users and policies', async () => {
    const { account, root, csrf } = await ownerOfNewAccount();
    await makeUser(t.deps, account.id, 'ann');
    await createGroup(t.deps, account.id, { name: 'Old' }, CLI_ACTOR, SYSTEM_META);
    await createGroup(t.deps, account.id, { name: 'Other' }, CLI_ACTOR, SYSTEM_META);
    await addUserToGroup(t.deps, account.id, 'Old', 'ann', CLI_ACTOR, SYSTEM_META);
    await attachPolicy(t.deps, account.id, 'group', 'Old', READ_ONLY, CLI_ACTOR, SYSTEM_META);
    const page = await root.get('/console/groups/Old');
    expect(page.body).toContain('action="/console/groups/Old/update"');
    expect(page.body).toMatch(/id="f-newGroupName" name="newGroupName" type="text" value="Old"/);

    const taken = await root.post('/console/groups/Old/update', { newGroupName: 'other', newPath: '/' }, { csrf });
    expect(taken.statusCode).toBe(409);
    expect(taken.body).toContain('Group with name other already exists.');
    expect(taken.body).toMatch(/id="f-newGroupName"[^>]*value="other"[^>]*aria-invalid="true"/);
    const badPath = await root.post('/console/groups/Old/update', { newGroupName: 'New', newPath: 'ops' }, { csrf });
    expect(badPath.statusCode).toBe(400);
    expect(badPath.body).toMatch(/id="f-newPath"[^>]*aria-invalid="true"/);

    const moved = await root.post('/console/groups/Old/update', { newGroupName: 'New', newPath: '/ops/' }, { csrf });
    expect(moved.headers.location).toBe('/console/groups/New?done=updated');
    const shown = await root.get('/console/groups/New?done=updated');
    expect(text(shown.body)).toContain(`arn:aws:iam::${account.id}:group/ops/New`);
    expect(shown.body).toContain('<a href="/console/users/ann">ann</a>');
    expect(text(shown.body)).toContain('IAMReadOnlyAccess');
    expect((await root.get('/console/groups/Old')).statusCode).toBe(404);
  });

  it('deletes a group after a confirmation, refusing as AWS does while it has users, inline or attached policies', async () => {
    const { account, root, csrf } = await ownerOfNewAccount();
    await makeUser(t.deps, account.id, 'ann');
    await createGroup(t.deps, account.id, { name: 'Leaving' }, CLI_ACTOR, SYSTEM_META);
    await addUserToGroup(t.deps, account.id, 'Leaving', 'ann', CLI_ACTOR, SYSTEM_META);
    await putInlinePolicy(t.deps, account.id, 'group', 'Leaving', 'Inline', LIST_BUCKETS, CLI_ACTOR, SYSTEM_META);
    await attachPolicy(t.deps, account.id, 'group', 'Leaving', READ_ONLY, CLI_ACTOR, SYSTEM_META);
    expect((await root.get('/console/groups/Leaving')).body).toContain('href="/console/groups/Leaving/delete"');
    const confirm = await root.get('/console/groups/Leaving/delete');
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('Delete group Leaving?');
    expect(confirm.body).toContain('<form method="post" action="/console/groups/Leaving/delete">');

    const steps: Array<[string, () => Promise<unknown>]> = [
      [
        'Cannot delete entity, must remove users from group first.',
        () => root.post('/console/groups/Leaving/remove-user', { userName: 'ann' }, { csrf }),
      ],
      [
        'Cannot delete entity, must delete policies first.',
        () => root.post('/console/groups/Leaving/inline-policies/Inline/delete', {}, { csrf }),
      ],
      [
        'Cannot delete entity, must detach all policies first.',
        () => root.post('/console/groups/Leaving/detach-policy', { policyArn: READ_ONLY }, { csrf }),
      ],
    ];
    for (const [message, fix] of steps) {
      const refused = await root.post('/console/groups/Leaving/delete', {}, { csrf });
      expect(refused.statusCode).toBe(409);
      expect(refused.body).toContain(message);
      expect(refused.body).toContain('Delete group Leaving?');
      await fix();
    }
    const deleted = await root.post('/console/groups/Leaving/delete', {}, { csrf });
    expect(deleted.headers.location).toBe('/console/groups?done=deleted');
    expect((await root.get('/console/groups?done=deleted')).body).toContain('The group was deleted.');
    expect(await listGroups(t.deps, account.id)).toEqual([]);
    const events = await listAuditEvents(t.deps.db, { accountId: account.id, limit: 50 });
    expect(events.map((e) => e.eventName)).toEqual(
      expect.arrayContaining(['RemoveUserFromGroup', 'DeleteGroupPolicy', 'DetachGroupPolicy', 'DeleteGroup']),
    );
  });

  it('shows a read-only administrator everything and no form, and refuses each change without changing anything', async () => {
    const { account } = await ownerOfNewAccount();
    await makeUser(t.deps, account.id, 'reader');
    await makeUser(t.deps, account.id, 'ann');
    await makeUser(t.deps, account.id, 'plain');
    await attachPolicy(t.deps, account.id, 'user', 'reader', READ_ONLY, CLI_ACTOR, SYSTEM_META);
    await createGroup(t.deps, account.id, { name: 'Team' }, CLI_ACTOR, SYSTEM_META);
    await addUserToGroup(t.deps, account.id, 'Team', 'ann', CLI_ACTOR, SYSTEM_META);
    await attachPolicy(t.deps, account.id, 'group', 'Team', CHANGE_PASSWORD, CLI_ACTOR, SYSTEM_META);
    await putInlinePolicy(t.deps, account.id, 'group', 'Team', 'Inline', LIST_BUCKETS, CLI_ACTOR, SYSTEM_META);

    const reader = await signInUser(t, account.id, 'reader');
    expect((await reader.get('/console')).body).toContain('href="/console/groups"');
    const pages = [
      '/console/groups',
      '/console/groups/Team',
      '/console/groups/Team/attach-policies',
      '/console/groups/Team/inline-policies/Inline',
    ];
    for (const url of pages) {
      const page = await reader.get(url);
      expect(page.statusCode, url).toBe(200);
      expect(page.body, url).not.toMatch(/<form method="post" action="\/console\/groups/);
      expect(page.body, url).not.toMatch(/<textarea|<select/);
    }
    const group = await reader.get('/console/groups/Team');
    expect(group.body).toContain('<a href="/console/users/ann">ann</a>');
    expect(text(group.body)).toContain('IAMUserChangePassword');
    expect(group.body).toContain('<a href="/console/groups/Team/inline-policies/Inline">Inline</a>');
    for (const link of ['/attach-policies"', '/add-inline-policy"', '/delete"', '/detach-policy']) {
      expect(group.body, link).not.toContain(link);
    }
    expect((await reader.get('/console/groups/Team/inline-policies/Inline')).body).toContain(
      '<pre class="policy-document"',
    );

    const csrf = await reader.csrf('/console/groups');
    const before = await snapshotDatabase(t.database);
    const posts: Array<[string, Record<string, string>, string]> = [
      ['/console/groups', { groupName: 'ByReader' }, 'iam:CreateGroup'],
      ['/console/groups/Team/add-user', { userName: 'plain' }, 'iam:AddUserToGroup'],
      ['/console/groups/Team/remove-user', { userName: 'ann' }, 'iam:RemoveUserFromGroup'],
      ['/console/groups/Team/update', { newGroupName: 'Renamed', newPath: '/' }, 'iam:UpdateGroup'],
      ['/console/groups/Team/delete', {}, 'iam:DeleteGroup'],
      ['/console/groups/Team/attach-policy', { policyArn: ADMIN }, 'iam:AttachGroupPolicy'],
      ['/console/groups/Team/detach-policy', { policyArn: CHANGE_PASSWORD }, 'iam:DetachGroupPolicy'],
      [
        '/console/groups/Team/inline-policies',
        { policyName: 'More', policyDocument: LIST_BUCKETS },
        'iam:PutGroupPolicy',
      ],
      ['/console/groups/Team/inline-policies/Inline', { policyDocument: LIST_BUCKETS }, 'iam:PutGroupPolicy'],
      ['/console/groups/Team/inline-policies/Inline/delete', {}, 'iam:DeleteGroupPolicy'],
    ];
    for (const [url, fields, action] of posts) {
      const refused = await reader.post(url, fields, { csrf });
      expect(refused.statusCode, url).toBe(403);
      expect(refused.body, url).toContain(
        `None of your policies allows ${action} on arn:aws:iam::${account.id}:group/`,
      );
      expect(refused.body, url).toContain('href="/console/groups"');
    }
    for (const url of [
      '/console/groups/Team/delete',
      '/console/groups/Team/add-inline-policy',
      `/console/groups/Team/detach-policy?policyArn=${encodeURIComponent(CHANGE_PASSWORD)}`,
      '/console/groups/Team/inline-policies/Inline/delete',
    ]) {
      expect((await reader.get(url)).statusCode, url).toBe(403);
    }
    expect(await snapshotDatabase(t.database)).toEqual(before);

    const plain = await signInUser(t, account.id, 'plain');
    expect((await plain.get('/console')).body).not.toContain('href="/console/groups"');
    const refused = await plain.get('/console/groups');
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('iam:ListGroups');
  });

  it('decides attach and detach per policy with iam:PolicyARN, as the Query API does', async () => {
    const { account } = await ownerOfNewAccount();
    await makeUser(t.deps, account.id, 'lead');
    await createGroup(t.deps, account.id, { name: 'Crew' }, CLI_ACTOR, SYSTEM_META);
    await attachPolicy(t.deps, account.id, 'group', 'Crew', CHANGE_PASSWORD, CLI_ACTOR, SYSTEM_META);
    await attachPolicy(t.deps, account.id, 'group', 'Crew', READ_ONLY, CLI_ACTOR, SYSTEM_META);
    await setUserPolicy(t, account.id, 'lead', 'only-some', [
      { Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' },
      {
        Effect: 'Allow',
        Action: ['iam:AttachGroupPolicy', 'iam:DetachGroupPolicy'],
        Resource: '*',
        Condition: { ArnEquals: { 'iam:PolicyARN': [CHANGE_PASSWORD, 'arn:aws:iam::aws:policy/IAMFullAccess'] } },
      },
    ]);
    const lead = await signInUser(t, account.id, 'lead');
    const group = await lead.get('/console/groups/Crew');
    expect(group.body).toContain(`detach-policy?policyArn=${encodeURIComponent(CHANGE_PASSWORD)}`);
    expect(group.body).not.toContain(`detach-policy?policyArn=${encodeURIComponent(READ_ONLY)}`);
    expect(group.body).toContain('href="/console/groups/Crew/attach-policies"');
    const choose = await lead.get('/console/groups/Crew/attach-policies');
    expect(choose.body).toContain('value="arn:aws:iam::aws:policy/IAMFullAccess"');
    expect(choose.body).not.toContain(`value="${ADMIN}"`);

    const csrf = await lead.csrf('/console/groups/Crew');
    const refused = await lead.post('/console/groups/Crew/attach-policy', { policyArn: ADMIN }, { csrf });
    expect(refused.statusCode).toBe(403);
    expect((await lead.post('/console/groups/Crew/detach-policy', { policyArn: READ_ONLY }, { csrf })).statusCode).toBe(
      403,
    );
    expect(
      (await lead.get(`/console/groups/Crew/detach-policy?policyArn=${encodeURIComponent(READ_ONLY)}`)).statusCode,
    ).toBe(403);
    const allowed = await lead.post(
      '/console/groups/Crew/attach-policy',
      { policyArn: 'arn:aws:iam::aws:policy/IAMFullAccess' },
      { csrf },
    );
    expect(allowed.headers.location).toBe('/console/groups/Crew?done=attached');
    expect(
      (await lead.post('/console/groups/Crew/detach-policy', { policyArn: CHANGE_PASSWORD }, { csrf })).statusCode,
    ).toBe(303);
  });

  it('names each group by its ARN with its path, as the Query API does', async () => {
    const { account } = await ownerOfNewAccount();
    await makeUser(t.deps, account.id, 'eng-lead');
    await makeUser(t.deps, account.id, 'ann');
    await createGroup(t.deps, account.id, { name: 'Builders', path: '/eng/' }, CLI_ACTOR, SYSTEM_META);
    await createGroup(t.deps, account.id, { name: 'Finance' }, CLI_ACTOR, SYSTEM_META);
    await setUserPolicy(t, account.id, 'eng-lead', 'eng-groups', [
      { Effect: 'Allow', Action: ['iam:ListGroups', 'iam:ListUsers'], Resource: '*' },
      {
        Effect: 'Allow',
        Action: ['iam:GetGroup', 'iam:AddUserToGroup', 'iam:CreateGroup'],
        Resource: `arn:aws:iam::${account.id}:group/eng/*`,
      },
    ]);
    const lead = await signInUser(t, account.id, 'eng-lead');
    const builders = await lead.get('/console/groups/Builders');
    expect(builders.statusCode).toBe(200);
    expect(builders.body).toContain('action="/console/groups/Builders/add-user"');
    const finance = await lead.get('/console/groups/Finance');
    expect(finance.statusCode).toBe(403);
    expect(finance.body).toContain(`iam:GetGroup on arn:aws:iam::${account.id}:group/Finance`);

    const csrf = await lead.csrf('/console/groups');
    // No form before a name and path are typed (any group, `group/*`, is not allowed); what is posted decides.
    expect((await lead.get('/console/groups')).body).not.toContain('action="/console/groups"');
    const outside = await lead.post('/console/groups', { groupName: 'Other', path: '/' }, { csrf });
    expect(outside.statusCode).toBe(403);
    const inside = await lead.post('/console/groups', { groupName: 'Testers', path: '/eng/' }, { csrf });
    expect(inside.headers.location).toBe('/console/groups/Testers?done=created');
    expect((await lead.post('/console/groups/Builders/add-user', { userName: 'ann' }, { csrf })).statusCode).toBe(303);
  });

  it('handles group and policy names with the characters IAM allows', async () => {
    const { account, root, csrf } = await ownerOfNewAccount();
    const name = 'a+b=c,d.e@f_g-h';
    const created = await root.post('/console/groups', { groupName: name }, { csrf });
    expect(created.headers.location).toBe(`/console/groups/${encodeURIComponent(name)}?done=created`);
    const page = await root.get(`/console/groups/${encodeURIComponent(name)}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain(`<h1>Group ${name}</h1>`);
    const saved = await root.post(
      `/console/groups/${encodeURIComponent(name)}/inline-policies`,
      { policyName: 'x+y@z', policyDocument: LIST_BUCKETS },
      { csrf },
    );
    expect(saved.headers.location).toBe(
      `/console/groups/${encodeURIComponent(name)}/inline-policies/${encodeURIComponent('x+y@z')}?done=inline-saved`,
    );
    expect((await root.get(saved.headers.location as string)).statusCode).toBe(200);
    expect(await listInlinePolicyNames(t.deps, account.id, 'group', name)).toEqual(['x+y@z']);
  });
});
