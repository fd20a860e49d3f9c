import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUserPolicy, signInUser } from '../../test/support/console.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { snapshotDatabase } from '../../test/support/db-snapshot.ts';
import { makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { type Browser, type TestContext, createTestContext } from '../../test/support/harness.ts';
import { listAttachedPolicies } from '../policies/attachment.service.ts';
import { findRole, getRole } from './role-view.ts';
import { pageText as text } from '../../test/support/page-text.ts';

const READ_ONLY = 'arn:aws:iam::aws:policy/IAMReadOnlyAccess';
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';

/** The hidden and visible fields of the page's form that posts to `action`, as a browser would send them. */
function formFields(body: string, action: string): Record<string, string> {
  const start = body.indexOf(`action="${action}"`);
  const form = body.slice(start, body.indexOf('</form>', start));
  const fields: Record<string, string> = {};
  for (const m of form.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"[^>]*>/g)) {
    const tag = m[0];
    if (/type="(radio|checkbox)"/.test(tag) && !/ checked/.test(tag)) continue;
    if (m[1] !== '_csrf') fields[m[1]!] = m[2]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  }
  for (const m of form.matchAll(/<textarea[^>]*name="([^"]+)"[^>]*>([^<]*)<\/textarea>/g))
    fields[m[1]!] = m[2]!.replace(/&quot;/g, '"').replace(/&amp;/g, '&');
  for (const m of form.matchAll(/<select[^>]*name="([^"]+)"[\s\S]*?<option value="([^"]*)" selected/g))
    fields[m[1]!] = m[2]!;
  return fields;
}

describe.each(DIALECTS)('the create-role wizard on %s', (dialect) => {
  let t: TestContext;
  let account: Awaited<ReturnType<typeof makeAccount>>;
  let ada: Browser;
  let csrf: string;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    account = await makeAccount(t.deps);
    await makeUser(t.deps, account.id, 'ada');
    await setUserPolicy(t, account.id, 'ada', 'roles', [
      { Effect: 'Allow', Action: ['iam:*Role*', 'iam:ListPolicies', 'iam:GetPolicy'], Resource: '*' },
      {
        Effect: 'Deny',
        Action: 'iam:AttachRolePolicy',
        Resource: '*',
        Condition: { ArnEquals: { 'iam:PolicyARN': ADMIN } },
      },
    ]);
    ada = await signInUser(t, account.id, 'ada');
    csrf = await ada.csrf('/console/roles/new');
  });
  afterAll(() => t.close());

  it('walks from who may assume the role to its policies to its name, keeping every answer, and changes nothing', async () => {
    const before = await snapshotDatabase(t.database);
    const first = await ada.get('/console/roles/new');
    expect(first.statusCode).toBe(200);
    expect(text(first.body)).toContain('Who may assume the role?');

    const noAccount = await ada.post(
      '/console/roles/new',
      {
        ...formFields(first.body, '/console/roles/new'),
        trustKind: 'other-account',
        otherAccount: '1234',
        go: 'permissions',
      },
      { csrf },
    );
    expect(noAccount.statusCode).toBe(400);
    expect(text(noAccount.body)).toContain(
      'Enter the 12-digit ID of the account whose principals may assume the role.',
    );

    const step2 = await ada.post(
      '/console/roles/new',
      {
        ...formFields(noAccount.body, '/console/roles/new'),
        otherAccount: '1111-2222-3333',
        externalId: 'partner-7',
        requireMfa: 'on',
        go: 'permissions',
      },
      { csrf },
    );
    expect(step2.statusCode).toBe(200);
    expect(text(step2.body)).toContain('What may the role do?');
    expect(step2.body).toContain(`name="add" value="${READ_ONLY}"`);
    // A policy the person may not attach to the new role is offered without its button.
    expect(step2.body).not.toContain(`name="add" value="${ADMIN}"`);

    const refused = await ada.post(
      '/console/roles/new',
      { ...formFields(step2.body, '/console/roles/new'), add: ADMIN },
      { csrf },
    );
    expect(refused.statusCode).toBe(403);
    expect(text(refused.body)).toContain('A policy explicitly denies iam:AttachRolePolicy');

    const added = await ada.post(
      '/console/roles/new',
      { ...formFields(step2.body, '/console/roles/new'), add: READ_ONLY },
      { csrf },
    );
    expect(text(added.body)).toContain('Chosen (1)');
    expect(added.body).toContain(`name="remove" value="${READ_ONLY}"`);

    const step3 = await ada.post(
      '/console/roles/new',
      { ...formFields(added.body, '/console/roles/new'), go: 'name' },
      { csrf },
    );
    expect(step3.statusCode).toBe(200);
    const review = text(step3.body);
    expect(review).toContain(
      'Allows principals in account 111122223333 to assume this role when sts:ExternalId equals partner-7 and MFA is present.',
    );
    expect(review).toContain('Managed policies (1) IAMReadOnlyAccess');
    expect(step3.body).toContain('action="/console/roles"');

    // Back keeps the answers.
    const back = await ada.post(
      '/console/roles/new',
      { ...formFields(step3.body, '/console/roles'), go: 'trust' },
      { csrf },
    );
    expect(back.body).toContain('value="1111-2222-3333"');
    expect(back.body).toContain('value="partner-7"');
    expect(back.body).toMatch(/id="f-trustKind-other-account"[^>]* checked/);
    expect(await snapshotDatabase(t.database)).toEqual(before);
  });

  it('creates the role with the trust policy the choices make and attaches the chosen policy; a taken name stays on the last page', async () => {
    const first = await ada.get('/console/roles/new');
    const step2 = await ada.post(
      '/console/roles/new',
      { ...formFields(first.body, '/console/roles/new'), requireMfa: 'on', go: 'permissions' },
      { csrf },
    );
    const added = await ada.post(
      '/console/roles/new',
      { ...formFields(step2.body, '/console/roles/new'), add: READ_ONLY },
      { csrf },
    );
    const step3 = await ada.post(
      '/console/roles/new',
      { ...formFields(added.body, '/console/roles/new'), go: 'name' },
      { csrf },
    );
    const answers = {
      ...formFields(step3.body, '/console/roles'),
      roleName: 'Auditors',
      description: 'Reads',
      maxSessionDuration: '7200',
    };
    const created = await ada.post('/console/roles', answers, { csrf });
    expect(created.statusCode).toBe(303);
    expect(created.headers.location).toBe('/console/roles/Auditors?done=created');
    const role = await getRole(t.deps, account.id, 'Auditors');
    expect(JSON.parse(role.trustPolicy)).toEqual({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Principal: { AWS: `arn:aws:iam::${account.id}:root` },
          Action: 'sts:AssumeRole',
          Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
        },
      ],
    });
    expect([role.description, role.maxSessionDuration]).toEqual(['Reads', 7200]);
    expect((await listAttachedPolicies(t.deps, account.id, 'role', 'Auditors')).map((a) => a.policyArn)).toEqual([
      READ_ONLY,
    ]);
    expect(text((await ada.get(created.headers.location as string)).body)).toContain('The role was created.');

    const taken = await ada.post('/console/roles', { ...answers, roleName: 'auditors' }, { csrf });
    expect(taken.statusCode).toBe(409);
    expect(text(taken.body)).toContain('Role with name auditors already exists.');
    expect(text(taken.body)).toContain('Name the role');
    expect(taken.body).toContain('value="auditors"');

    // A policy the person may not attach creates no role at all.
    const refused = await ada.post('/console/roles', { ...answers, roleName: 'Admins', policyArns: ADMIN }, { csrf });
    expect(refused.statusCode).toBe(403);
    expect(text(refused.body)).toContain('A policy explicitly denies iam:AttachRolePolicy');
    expect(await findRole(t.deps, account.id, 'Admins')).toBeNull();
  });

  it('checks a trust policy written by hand as CreateRole does', async () => {
    const first = await ada.get('/console/roles/new');
    const bad = await ada.post(
      '/console/roles/new',
      {
        ...formFields(first.body, '/console/roles/new'),
        trustKind: 'custom',
        trustPolicy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { AWS: 'not-an-arn' }, Action: 'sts:AssumeRole' }],
        }),
        go: 'permissions',
      },
      { csrf },
    );
    expect(bad.statusCode).toBe(400);
    expect(text(bad.body)).toContain('Invalid principal in policy: "AWS":"not-an-arn"');
  });

  it('is refused without iam:CreateRole', async () => {
    await makeUser(t.deps, account.id, 'noor');
    await setUserPolicy(t, account.id, 'noor', 'read', [{ Effect: 'Allow', Action: 'iam:ListRoles', Resource: '*' }]);
    const noor = await signInUser(t, account.id, 'noor');
    const page = await noor.get('/console/roles/new');
    expect(page.statusCode).toBe(403);
    expect(page.body).toContain('None of your policies allows iam:CreateRole');
    expect((await noor.get('/console/roles')).body).not.toContain('href="/console/roles/new"');
  });
});
