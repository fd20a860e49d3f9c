import { CreatePolicyCommand, type IAMClient } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients, keyFor } from '../../test/support/aws-clients.ts';
import { setUserPolicy, signInUser } from '../../test/support/console.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { snapshotDatabase } from '../../test/support/db-snapshot.ts';
import { ROOT_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { listen } from '../../test/support/listen.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { createGroup } from '../groups/group.service.ts';
import { attachPolicy, detachPolicy } from './attachment.service.ts';
import {
  createPolicy,
  createPolicyVersion,
  getPolicy,
  listPolicies,
  listPolicyVersions,
} from './managed-policy.service.ts';
import { tagPolicy } from './policy-tags.service.ts';
import { pageText as textOf } from '../../test/support/page-text.ts';

const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const READ_USERS = { Sid: 'ReadUsers', Effect: 'Allow', Action: ['iam:Get*', 'iam:ListUsers'], Resource: '*' };
const READ_ONLY = 'arn:aws:iam::aws:policy/IAMReadOnlyAccess';
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';

/** The text of the policy document editor, decoded. */
function editorText(body: string): string {
  const m = /<textarea id="f-policyDocument"[^>]*>([\s\S]*?)<\/textarea>/.exec(body);
  if (!m) throw new Error('no policy document editor on the page');
  return m[1]!
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

const url = (arn: string, rest = '') => `/console/policies/${encodeURIComponent(arn)}${rest}`;

describe.each(DIALECTS)('the console Policies pages on %s', (dialect) => {
  let t: TestContext;
  let account: Awaited<ReturnType<typeof makeAccount>>;
  let root: Browser;
  let iam: IAMClient;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    t.clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    account = await makeAccount(t.deps);
    root = new Browser(t.app);
    expect(
      (await root.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD })).statusCode,
    ).toBe(303);
    const endpoint = await listen(t.app);
    const rootUser = { accountId: account.id, principalId: account.id, userName: null };
    iam = awsClients(t, endpoint, await keyFor(t, rootUser)).iam;
  });
  afterAll(() => t.close());

  const arnOf = (name: string, path = '/') => `arn:aws:iam::${account.id}:policy${path}${name}`;
  const make = (name: string, statements: object[] = [READ_USERS], path = '/') =>
    createPolicy(t.deps, account.id, { name, path, document: doc(...statements) }, CLI_ACTOR, SYSTEM_META);

  it('lists AWS managed and customer managed policies with their type and attachment count, behind the nav link', async () => {
    await make('ListedPolicy');
    await makeUser(t.deps, account.id, 'lister');
    await attachPolicy(t.deps, account.id, 'user', 'lister', arnOf('ListedPolicy'), CLI_ACTOR, SYSTEM_META);
    const home = await root.get('/console');
    expect(home.body).toContain('href="/console/policies"');
    const list = await root.get('/console/policies');
    expect(list.statusCode).toBe(200);
    const text = textOf(list.body);
    expect(text).toContain('IAMReadOnlyAccess AWS managed');
    expect(text).toContain('ListedPolicy Customer managed 1 entity');
    expect(list.body).toContain(`href="${url(arnOf('ListedPolicy'))}"`);
    expect(list.body).toContain('href="/console/policies/new"');
    expect(list.body).toContain('<th scope="col">Policy name</th>');
  });

  it('filters by type, name and attachment, and pages through a long list', async () => {
    for (let i = 0; i < 23; i++) await make(`Paged${String(i).padStart(2, '0')}`);
    const aws = textOf((await root.get('/console/policies?scope=AWS')).body);
    expect(aws).toContain('4 policies');
    expect(aws).not.toMatch(/Customer managed \d+ entit/);
    const local = textOf((await root.get('/console/policies?scope=Local&search=paged')).body);
    expect(local).toContain('23 policies');
    expect(local).toContain('Showing 1–20 of 23, page 1 of 2');
    expect(local).toContain('Paged19');
    expect(local).not.toContain('Paged20');
    const second = await root.get('/console/policies?scope=Local&search=paged&page=2');
    expect(textOf(second.body)).toContain('Showing 21–23 of 23, page 2 of 2');
    expect(second.body).toContain('href="/console/policies?scope=Local&amp;search=paged" rel="prev"');
    // A page beyond the last shows the last; an unknown scope is All.
    expect(textOf((await root.get('/console/policies?scope=Local&search=paged&page=9')).body)).toContain('page 2 of 2');
    expect(textOf((await root.get('/console/policies?scope=nope&search=ReadOnly')).body)).toContain('1 policy');
    const attached = textOf((await root.get('/console/policies?attached=1')).body);
    expect(attached).toContain('ListedPolicy');
    expect(attached).not.toContain('Paged00');
  });

  it('creates a customer managed policy from the JSON editor and shows its summary, JSON, versions, entities and tags', async () => {
    const form = await root.get('/console/policies/new');
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain('<label for="f-policyDocument">Policy document (JSON)</label>');
    expect(editorText(form.body)).toContain('"Version": "2012-10-17"');
    const document = doc(READ_USERS, {
      Effect: 'Deny',
      Action: 'iam:DeleteUser',
      Resource: 'arn:aws:iam::*:user/admins/*',
      Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'false' } },
    });
    const created = await root.post(
      '/console/policies',
      { policyName: 'ReadUsers', path: '/team/', description: 'Reads users', policyDocument: document },
      { csrfFrom: '/console/policies/new' },
    );
    expect(created.statusCode).toBe(303);
    const arn = arnOf('ReadUsers', '/team/');
    expect(created.headers.location).toBe(`${url(arn)}?done=created`);

    const shown = await root.get(created.headers.location as string);
    expect(shown.statusCode).toBe(200);
    const text = textOf(shown.body);
    expect(text).toContain('The policy was created.');
    expect(text).toContain(`ARN ${arn}`);
    expect(text).toContain('Description Reads users');
    // The summary: IAM, each statement's effect, expanded actions, resources and conditions.
    expect(text).toContain('IAM (iam)');
    expect(text).toMatch(/Allow iam:Get\*, iam:ListUsers \d+ of \d+ actions/);
    expect(shown.body).toContain('<li><code>iam:GetUser</code></li>');
    expect(text).toContain('Deny iam:DeleteUser arn:aws:iam::*:user/admins/* aws:MultiFactorAuthPresent Bool false 2');
    expect(text).toContain('All resources');
    expect(text).toContain('ReadUsers');
    // The JSON, indented.
    expect(shown.body).toContain('<pre class="policy-json"><code>{\n  &quot;Version&quot;: &quot;2012-10-17&quot;');
    expect(text).toContain('Versions (1)');
    expect(text).toContain('v1 Default');
    expect(text).toContain('A managed policy keeps up to 5 versions; this one has 1.');
    expect(text).toContain('The policy is attached to no user or group.');
    expect(text).toContain('No tags.');
    expect(shown.body).toContain(`href="${url(arn, '/versions/new')}"`);
    expect(shown.body).toContain(`href="${url(arn, '/delete')}"`);
    expect((await getPolicy(t.deps, account.id, arn)).description).toBe('Reads users');
  });

  it('shows an AWS managed policy read-only: its JSON and summary, no editing, no deleting', async () => {
    const page = await root.get(url(READ_ONLY));
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain('AWS managed (read-only)');
    expect(text).toContain('iam:GenerateCredentialReport');
    expect(text).toContain('iam:SimulatePrincipalPolicy');
    expect(text).toContain('AWS managed policies have no tags.');
    expect(page.body).not.toContain('/versions/new"');
    expect(page.body).not.toContain('<form method="post" action="/console/policies');
    expect(page.body).not.toContain(url(READ_ONLY, '/delete'));
    expect(textOf((await root.get(url(ADMIN))).body)).toContain('All actions of every service');
    for (const path of ['/versions/new', '/delete', '/versions/v4/delete']) {
      const refused = await root.get(url(READ_ONLY, path));
      expect(refused.statusCode, path).toBe(403);
      expect(textOf(refused.body), path).toContain(
        `Policy ${READ_ONLY} is an AWS managed policy and cannot be changed.`,
      );
    }
    const before = await snapshotDatabase(t.database);
    const csrf = await root.csrf('/console/policies');
    expect((await root.post(url(READ_ONLY, '/delete'), {}, { csrf })).statusCode).toBe(403);
    expect(
      (await root.post(url(READ_ONLY, '/versions'), { policyDocument: doc(READ_USERS) }, { csrf })).statusCode,
    ).toBe(403);
    expect(await snapshotDatabase(t.database)).toEqual(before);
  });

  it('answers an unknown policy or version with the API’s NoSuchEntity', async () => {
    const missing = await root.get(url(arnOf('NoSuchPolicy')));
    expect(missing.statusCode).toBe(404);
    expect(textOf(missing.body)).toContain(`Policy ${arnOf('NoSuchPolicy')} does not exist or is not attachable.`);
    await make('OneVersion');
    expect((await root.get(url(arnOf('OneVersion'), '/versions/v9'))).statusCode).toBe(404);
  });

  describe('MalformedPolicyDocument and every other CreatePolicy refusal', () => {
    async function refusedCreate(fields: Record<string, string>) {
      const before = await listPolicies(t.deps, account.id, { scope: 'Local' });
      const response = await root.post(
        '/console/policies',
        { policyName: 'Refused', path: '', description: '', policyDocument: doc(READ_USERS), ...fields },
        { csrfFrom: '/console/policies/new' },
      );
      expect(await listPolicies(t.deps, account.id, { scope: 'Local' })).toHaveLength(before.length);
      return response;
    }

    it('redisplays the form as typed with IAM’s message and the statement it concerns', async () => {
      const typed = doc(READ_USERS, { Sid: 'Second', Effect: 'Allow', Action: 's3:GetObject', Resource: 'ledger' });
      const response = await refusedCreate({ policyName: 'Typed', description: 'kept', policyDocument: typed });
      expect(response.statusCode).toBe(400);
      const error = /<p class="error" id="f-policyDocument-error"[^>]*>([^<]*)<\/p>/.exec(response.body);
      expect(textOf(error![1]!)).toBe(
        'Resource ledger must be in ARN format or "*". It concerns statement 2 (Sid "Second"), counting from 1.',
      );
      expect(response.body).toContain('data-statement="2"');
      expect(response.body).toContain('aria-describedby="f-policyDocument-hint f-policyDocument-error"');
      expect(editorText(response.body)).toBe(typed);
      expect(response.body).toContain('value="Typed"');
      expect(response.body).toContain('value="kept"');
      expect(textOf(response.body)).toContain('The policy was not created: see the policy document below.');
    });

    it('says where unreadable JSON stops, and names no statement where IAM’s rule is about the whole document', async () => {
      const broken = '{\n  "Version": "2012-10-17",\n  "Statement": [\n    {"Effect": "Allow",}\n  ]\n}';
      const json = textOf((await refusedCreate({ policyDocument: broken })).body);
      expect(json).toMatch(/Syntax errors in policy\. The JSON could not be read past line 4, column \d+\./);
      const noVersion = await refusedCreate({ policyDocument: JSON.stringify({ Statement: [READ_USERS] }) });
      expect(noVersion.statusCode).toBe(400);
      expect(textOf(noVersion.body)).toContain('Policy document must be version 2012-10-17 or greater.');
      expect(noVersion.body).toContain('data-statement=""');
    });

    // Each refusal, sent to the Query API and to the console: the same code's message, word for word.
    const cases: Array<[string, Record<string, string>, string]> = [
      ['a name with a space', { policyName: 'two words' }, 'policyName'],
      ['an empty name', { policyName: '' }, 'policyName'],
      ['a path the model refuses and the service alone would take', { path: '//' }, 'path'],
      ['a path without slashes', { path: 'team' }, 'path'],
      ['a description over 1,000 characters', { description: 'd'.repeat(1001) }, 'description'],
      ['a character the model refuses', { policyDocument: doc({ ...READ_USERS, Sid: 'Dash—' }) }, 'policyDocument'],
      ['an empty document', { policyDocument: '' }, 'policyDocument'],
      [
        'a document over the size quota',
        { policyDocument: doc({ ...READ_USERS, Resource: ['x'.repeat(6200)] }) },
        'policyDocument',
      ],
      ['a repeated Sid', { policyDocument: doc(READ_USERS, READ_USERS) }, 'policyDocument'],
      ['a Principal', { policyDocument: doc({ ...READ_USERS, Principal: '*' }) }, 'policyDocument'],
      ['two bad fields at once', { policyName: 'a b', path: 'x' }, 'form'],
    ];

    it.each(cases)('%s', async (_name, fields, where) => {
      const input: Record<string, string> = { policyName: 'Refused', policyDocument: doc(READ_USERS), ...fields };
      const api = await iam
        .send(
          new CreatePolicyCommand({
            PolicyName: input.policyName,
            PolicyDocument: input.policyDocument,
            ...(input.path ? { Path: input.path } : {}),
            ...(input.description ? { Description: input.description } : {}),
          }),
        )
        .then(
          () => null,
          (e: Error) => e.message,
        );
      expect(api, 'the API refuses it').not.toBeNull();
      const response = await refusedCreate(fields);
      expect(response.statusCode).toBeGreaterThanOrEqual(400);
      const text = textOf(response.body);
      expect(text).toContain(api!);
      if (where === 'form') expect(response.body).toContain('role="alert"');
      else expect(response.body).toContain(`id="f-${where}-error"`);
    });

    it('refuses a name that is taken with AWS’s EntityAlreadyExists', async () => {
      await make('Taken');
      const response = await refusedCreate({ policyName: 'Taken' });
      expect(response.statusCode).toBe(409);
      expect(textOf(response.body)).toContain('A policy called Taken already exists. Duplicate names are not allowed.');
      expect(response.body).toContain('id="f-policyName-error"');
    });
  });

  it('creates versions, sets the default, deletes a version after confirming, and enforces the five-version limit', async () => {
    const { arn } = await make('Versioned');
    const csrf = await root.csrf(url(arn, '/versions/new'));
    const editor = await root.get(url(arn, '/versions/new'));
    expect(editor.statusCode).toBe(200);
    expect(editorText(editor.body)).toBe(JSON.stringify(JSON.parse(doc(READ_USERS)), null, 2));
    expect(editor.body).toContain('id="f-setAsDefault" name="setAsDefault" type="checkbox" value="on" checked');

    const v2 = await root.post(
      url(arn, '/versions'),
      { policyDocument: doc(READ_USERS), setAsDefault: 'on' },
      { csrf },
    );
    expect(v2.headers.location).toBe(`${url(arn)}?done=version-created-default`);
    const v3 = await root.post(
      url(arn, '/versions'),
      { policyDocument: doc({ ...READ_USERS, Sid: 'Three' }) },
      { csrf },
    );
    expect(v3.headers.location).toBe(`${url(arn)}?done=version-created`);
    let versions = await listPolicyVersions(t.deps, account.id, arn);
    expect(versions.map((v) => [v.versionId, v.isDefaultVersion])).toEqual([
      ['v3', false],
      ['v2', true],
      ['v1', false],
    ]);

    const page = await root.get(url(arn));
    expect(page.body).toContain(`action="${url(arn, '/versions/v3/default')}"`);
    expect(page.body).not.toContain(`action="${url(arn, '/versions/v2/default')}"`);
    expect(page.body).toContain(`href="${url(arn, '/versions/v3')}"`);
    const v3Page = await root.get(url(arn, '/versions/v3'));
    expect(textOf(v3Page.body)).toContain('Default version No');
    expect(textOf(v3Page.body)).toContain('Three');

    expect((await root.post(url(arn, '/versions/v3/default'), {}, { csrf })).headers.location).toBe(
      `${url(arn)}?done=default-set`,
    );
    expect((await getPolicy(t.deps, account.id, arn)).defaultVersionId).toBe('v3');

    // Deleting asks first, on a page that works without JavaScript.
    const confirm = await root.get(url(arn, '/versions/v1/delete'));
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain(`<form method="post" action="${url(arn, '/versions/v1/delete')}">`);
    expect((await root.post(url(arn, '/versions/v1/delete'), {}, { csrf })).headers.location).toBe(
      `${url(arn)}?done=version-deleted`,
    );
    // The default version cannot go: AWS's DeleteConflict, on the confirmation page.
    const conflict = await root.post(url(arn, '/versions/v3/delete'), {}, { csrf });
    expect(conflict.statusCode).toBe(409);
    expect(textOf(conflict.body)).toContain('Cannot delete the default version of a policy.');

    // Up to five versions; the sixth is refused as CreatePolicyVersion refuses it, the document kept.
    for (const sid of ['Four', 'Five', 'Six']) {
      await root.post(url(arn, '/versions'), { policyDocument: doc({ ...READ_USERS, Sid: sid }) }, { csrf });
    }
    versions = await listPolicyVersions(t.deps, account.id, arn);
    expect(versions).toHaveLength(5);
    expect(textOf((await root.get(url(arn))).body)).toContain(
      'This policy has 5 versions, the most a managed policy can keep.',
    );
    expect(textOf((await root.get(url(arn, '/versions/new'))).body)).toContain(
      'This policy has 5 versions, the most a managed policy can keep. Before you save a new version, delete one that is not the default.',
    );
    const typed = doc({ ...READ_USERS, Sid: 'Seven' });
    const limit = await root.post(url(arn, '/versions'), { policyDocument: typed, setAsDefault: 'on' }, { csrf });
    expect(limit.statusCode).toBe(409);
    expect(textOf(limit.body)).toContain(
      'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
    );
    expect(editorText(limit.body)).toBe(typed);
    expect(await listPolicyVersions(t.deps, account.id, arn)).toHaveLength(5);

    // A malformed new version names its statement, as on the create form.
    const malformed = await root.post(
      url(arn, '/versions'),
      { policyDocument: doc(READ_USERS, { Sid: 'Bad', Effect: 'Allow', Resource: '*' }) },
      { csrf },
    );
    expect(malformed.statusCode).toBe(400);
    expect(textOf(malformed.body)).toContain(
      'Policy statement must contain actions. It concerns statement 2 (Sid "Bad"), counting from 1.',
    );
  });

  it('lists the entities attached, and deletes a policy only when AWS would (DeleteConflict)', async () => {
    const { arn } = await make('InUse');
    await makeUser(t.deps, account.id, 'holder');
    await createGroup(t.deps, account.id, { name: 'Readers' }, CLI_ACTOR, SYSTEM_META);
    await attachPolicy(t.deps, account.id, 'user', 'holder', arn, CLI_ACTOR, SYSTEM_META);
    await attachPolicy(t.deps, account.id, 'group', 'Readers', arn, CLI_ACTOR, SYSTEM_META);
    await createPolicyVersion(t.deps, account.id, arn, doc(READ_USERS), false, CLI_ACTOR, SYSTEM_META);
    await tagPolicy(t.deps, account.id, arn, [{ key: 'team', value: 'ops' }], CLI_ACTOR, SYSTEM_META);

    const page = await root.get(url(arn));
    const text = textOf(page.body);
    expect(text).toContain('Attached to 2 entities');
    expect(text).toContain('holder User');
    expect(text).toContain('Readers Group');
    expect(page.body).toContain('href="/console/users/holder"');
    expect(page.body).toContain('href="/console/groups/Readers"');
    expect(text).toContain('team ops');

    const confirm = await root.get(url(arn, '/delete'));
    expect(confirm.statusCode).toBe(200);
    expect(textOf(confirm.body)).toContain('Delete policy InUse?');
    const csrf = await root.csrf(url(arn, '/delete'));
    const attached = await root.post(url(arn, '/delete'), {}, { csrf });
    expect(attached.statusCode).toBe(409);
    expect(textOf(attached.body)).toContain('Cannot delete a policy attached to entities.');

    await detachPolicy(t.deps, account.id, 'user', 'holder', arn, CLI_ACTOR, SYSTEM_META);
    await detachPolicy(t.deps, account.id, 'group', 'Readers', arn, CLI_ACTOR, SYSTEM_META);
    const versions = await root.post(url(arn, '/delete'), {}, { csrf });
    expect(versions.statusCode).toBe(409);
    expect(textOf(versions.body)).toContain(
      "This policy has more than one version. Before you delete a policy, you must delete the policy's versions.",
    );

    await root.post(url(arn, '/versions/v2/delete'), {}, { csrf });
    const deleted = await root.post(url(arn, '/delete'), {}, { csrf });
    expect(deleted.headers.location).toBe('/console/policies?done=deleted');
    expect(textOf((await root.get('/console/policies?done=deleted')).body)).toContain('The policy was deleted.');
    expect((await root.get(url(arn))).statusCode).toBe(404);
  });

  it('opens a policy whose URL-encoded ARN is long (a deep path and a long name)', async () => {
    const path = `/${'deep/'.repeat(60)}`;
    const { arn } = await make('N'.repeat(128), [READ_USERS], path);
    expect(encodeURIComponent(arn).length).toBeGreaterThan(500);
    expect((await root.get(url(arn))).statusCode).toBe(200);
  });

  it('shows a read-only administrator every section and no form, and refuses each POST without changing anything', async () => {
    const { arn } = await make('ForReader');
    await createPolicyVersion(t.deps, account.id, arn, doc(READ_USERS), false, CLI_ACTOR, SYSTEM_META);
    await makeUser(t.deps, account.id, 'reader');
    await attachPolicy(t.deps, account.id, 'user', 'reader', READ_ONLY, CLI_ACTOR, SYSTEM_META);
    const reader = await signInUser(t, account.id, 'reader');

    expect((await reader.get('/console')).body).toContain('href="/console/policies"');
    const list = await reader.get('/console/policies');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain('href="/console/policies/new"');
    const page = await reader.get(url(arn));
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    for (const shown of ['Permissions summary', 'Versions (2)', 'Entities attached', 'No tags.'])
      expect(text).toContain(shown);
    expect(text).not.toContain('are not shown');
    expect(page.body).not.toContain('<form method="post" action="/console/policies');
    expect(page.body).not.toContain('/versions/new"');
    expect(page.body).not.toContain('/delete"');
    expect((await reader.get('/console/policies/new')).statusCode).toBe(403);
    expect((await reader.get(url(arn, '/delete'))).statusCode).toBe(403);

    const csrf = await reader.csrf('/console/policies');
    const before = await snapshotDatabase(t.database);
    const posts: Array<[string, Record<string, string>, string]> = [
      ['/console/policies', { policyName: 'ByReader', policyDocument: doc(READ_USERS) }, 'iam:CreatePolicy'],
      [url(arn, '/versions'), { policyDocument: doc(READ_USERS) }, 'iam:CreatePolicyVersion'],
      [url(arn, '/versions/v2/default'), {}, 'iam:SetDefaultPolicyVersion'],
      [url(arn, '/versions/v2/delete'), {}, 'iam:DeletePolicyVersion'],
      [url(arn, '/delete'), {}, 'iam:DeletePolicy'],
    ];
    for (const [target, fields, action] of posts) {
      const refused = await reader.post(target, fields, { csrf });
      expect(refused.statusCode, target).toBe(403);
      expect(refused.body, target).toContain(`None of your policies allows ${action}`);
      expect(refused.body, target).toContain('href="/console/policies"');
    }
    expect(await snapshotDatabase(t.database)).toEqual(before);
  });

  it('shows each section only with its own permission, naming the one that is missing', async () => {
    const { arn } = await make('Partly');
    await makeUser(t.deps, account.id, 'partial');
    await setUserPolicy(t, account.id, 'partial', 'some', [
      { Effect: 'Allow', Action: ['iam:ListPolicies', 'iam:GetPolicy', 'iam:ListPolicyVersions'], Resource: '*' },
    ]);
    const partial = await signInUser(t, account.id, 'partial');
    const page = await partial.get(url(arn));
    expect(page.statusCode).toBe(200);
    const text = textOf(page.body);
    expect(text).toContain(
      `The permissions are not shown. You do not have permission to do this. None of your policies allows iam:GetPolicyVersion on ${arn}.`,
    );
    expect(text).toContain('The users and groups are not shown.');
    expect(text).toContain('iam:ListEntitiesForPolicy');
    expect(text).toContain('The tags are not shown.');
    expect(text).toContain('v1 Default');
    // Versions are listed, but not linked: opening one is GetPolicyVersion.
    expect(page.body).not.toContain(`href="${url(arn, '/versions/v1')}"`);
    expect((await partial.get(url(arn, '/versions/v1'))).statusCode).toBe(403);
  });

  it('decides CreatePolicy on the ARN the new policy would have, path included', async () => {
    await makeUser(t.deps, account.id, 'teamlead');
    await setUserPolicy(t, account.id, 'teamlead', 'team-policies', [
      { Effect: 'Allow', Action: 'iam:CreatePolicy', Resource: `arn:aws:iam::${account.id}:policy/team/*` },
      { Effect: 'Allow', Action: ['iam:ListPolicies', 'iam:GetPolicy'], Resource: '*' },
    ]);
    const lead = await signInUser(t, account.id, 'teamlead');
    expect((await lead.get('/console/policies')).body).not.toContain('href="/console/policies/new"');
    const csrf = await lead.csrf('/console/policies');
    const outside = await lead.post(
      '/console/policies',
      { policyName: 'Outside', policyDocument: doc(READ_USERS) },
      { csrf },
    );
    expect(outside.statusCode).toBe(403);
    expect(outside.body).toContain(`iam:CreatePolicy on ${arnOf('Outside')}`);
    const inside = await lead.post(
      '/console/policies',
      { policyName: 'Inside', path: '/team/', policyDocument: doc(READ_USERS) },
      { csrf },
    );
    expect(inside.statusCode).toBe(303);
    expect(inside.headers.location).toBe(`${url(arnOf('Inside', '/team/'))}?done=created`);
  });

  it('offers no Policies link to a user who may not list policies', async () => {
    await makeUser(t.deps, account.id, 'nobody');
    const nobody = await signInUser(t, account.id, 'nobody');
    expect((await nobody.get('/console')).body).not.toContain('href="/console/policies"');
    const refused = await nobody.get('/console/policies');
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('iam:ListPolicies');
  });
});
