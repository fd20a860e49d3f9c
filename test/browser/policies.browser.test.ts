import { afterAll, beforeAll, expect, it } from 'vitest';
import { listPolicyVersions } from '../../src/policies/managed-policy.service.ts';
import {
  BrowserSuite,
  click,
  cspViolations,
  describeInBrowser,
  expectFitsPhone,
  field,
  fillField,
  readAlert,
  screenshot,
  signInAsRoot,
  submit,
} from '../support/browser.ts';
import { ROOT_PASSWORD, makeAccount } from '../support/fixtures.ts';

const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements }, null, 2);
const READ_USERS = { Sid: 'ReadUsers', Effect: 'Allow', Action: ['iam:Get*', 'iam:ListUsers'], Resource: '*' };

describeInBrowser('writing a customer managed policy in Chromium', () => {
  const suite = new BrowserSuite();

  beforeAll(() => suite.start());
  afterAll(() => suite.stop());

  it('creates a policy in the JSON editor, fixes the statement the error names, edits it, sets the default and deletes a version', async () => {
    const t = suite.live;
    const account = await makeAccount(t.deps);
    const page = await suite.newPage();
    await signInAsRoot(page, account.email, ROOT_PASSWORD);

    await submit(page, 'Policies', { role: 'link', within: page.getByRole('navigation', { name: 'Console' }) });
    await page.getByRole('heading', { name: 'Policies', level: 1 }).waitFor();
    await screenshot(page, 'policies');
    await expectFitsPhone(page);

    await submit(page, 'Create policy', { role: 'link' });
    await fillField(page, 'Policy name', 'ReadUsers');
    // The second statement has no resources: the error names it.
    await fillField(
      page,
      'Policy document (JSON)',
      doc(READ_USERS, { Sid: 'Second', Effect: 'Deny', Action: 'iam:DeleteUser' }),
    );
    await submit(page, 'Create policy', { role: 'button' });
    expect(await readAlert(page)).toBe('The policy was not created: see the policy document below.');
    const error = page.locator('#f-policyDocument-error');
    expect(await error.innerText()).toBe(
      'Policy statement must contain resources. It concerns statement 2 (Sid "Second"), counting from 1.',
    );
    expect(await field(page, 'Policy name').inputValue()).toBe('ReadUsers');
    expect(await field(page, 'Policy document (JSON)').getAttribute('aria-invalid')).toBe('true');
    await expectFitsPhone(page);

    await fillField(
      page,
      'Policy document (JSON)',
      doc(READ_USERS, { Sid: 'Second', Effect: 'Deny', Action: 'iam:DeleteUser', Resource: '*' }),
    );
    await submit(page, 'Create policy', { role: 'button' });
    await page.getByRole('heading', { name: 'Policy ReadUsers', level: 1 }).waitFor();
    expect(await readAlert(page, 'status')).toBe('The policy was created. Its first version, v1, is the default.');
    // The summary unfolds the IAM wildcards into the actions they name.
    const summary = page.locator('.policy-summary');
    await summary.getByText(/\d+ of \d+ actions/).click();
    await summary.getByText('iam:GetUser', { exact: true }).waitFor();
    expect(await summary.innerText()).toContain('Deny');
    await screenshot(page, 'policy');
    await expectFitsPhone(page);

    await submit(page, 'Edit policy', { role: 'link' });
    expect(await field(page, 'Policy document (JSON)').inputValue()).toContain('"Sid": "Second"');
    await fillField(page, 'Policy document (JSON)', doc(READ_USERS));
    await submit(page, 'Save new version');
    expect(await readAlert(page, 'status')).toContain('The new version was saved and is now the default');

    await submit(page, 'Set v1 as default');
    expect(await readAlert(page, 'status')).toContain('The default version was changed.');

    await submit(page, 'Delete v2', { role: 'link' });
    await page.getByRole('heading', { name: 'Delete version v2 of ReadUsers?' }).waitFor();
    await submit(page, 'Delete version v2 of ReadUsers');
    expect(await readAlert(page, 'status')).toBe('The version was deleted.');

    const arn = `arn:aws:iam::${account.id}:policy/ReadUsers`;
    expect((await listPolicyVersions(t.deps, account.id, arn)).map((v) => [v.versionId, v.isDefaultVersion])).toEqual([
      ['v1', true],
    ]);
    expect(cspViolations(page)).toEqual([]);
  });

  it('leaves the Set as default box for a person to untick with the keyboard', async () => {
    const page = await suite.newPage();
    const account = await makeAccount(suite.live.deps);
    await signInAsRoot(page, account.email, ROOT_PASSWORD);
    await page.goto('/console/policies/new');
    await fillField(page, 'Policy name', 'Drafts');
    await fillField(page, 'Policy document (JSON)', doc(READ_USERS));
    await field(page, 'Policy document (JSON)').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Policy Drafts', level: 1 }).waitFor();
    await submit(page, 'Edit policy', { role: 'link' });
    await field(page, 'Set as default version').focus();
    await page.keyboard.press('Space');
    await click(page, 'Save new version');
    await page.waitForURL(/done=version-created$/);
    expect(await readAlert(page, 'status')).toContain('It is not the default');
  });
});
