import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  BrowserSuite,
  click,
  cspViolations,
  describeInBrowser,
  expectFitsPhone,
  field,
  fillField,
  readAlert,
  signInAsRoot,
  signInAsUser,
  submit,
} from '../support/browser.ts';
import { ROOT_PASSWORD, USER_PASSWORD, makeAccount, makeUser } from '../support/fixtures.ts';

const BUCKETS = JSON.stringify(
  { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 's3:ListAllMyBuckets', Resource: '*' }] },
  null,
  2,
);

describeInBrowser('groups in the console, in a real browser', () => {
  const suite = new BrowserSuite();

  beforeAll(() => suite.start());
  afterAll(() => suite.stop());

  it('creates a group, adds a user, attaches a policy and an inline one, and the member gets what it allows', async () => {
    const t = suite.live;
    const account = await makeAccount(t.deps, { alias: 'groups-labs' });
    await makeUser(t.deps, account.id, 'dana');

    const owner = await suite.newPage();
    await signInAsRoot(owner, account.email, ROOT_PASSWORD);
    await submit(owner, 'Groups', { role: 'link', within: owner.getByRole('navigation', { name: 'Console' }) });
    await owner.getByRole('heading', { name: 'Groups', level: 1 }).waitFor();
    await fillField(owner, 'Group name', 'Readers');
    await submit(owner, 'Create group');
    await owner.getByRole('heading', { name: 'Group Readers' }).waitFor();
    expect(await readAlert(owner, 'status')).toContain('The group was created.');

    await field(owner, 'User to add').selectOption('dana');
    await submit(owner, 'Add user');
    expect(await readAlert(owner, 'status')).toBe('The user was added to the group.');
    await owner.getByRole('link', { name: 'dana' }).waitFor();

    await submit(owner, 'Attach policies', { role: 'link' });
    await owner.getByRole('heading', { name: 'Attach policies to Readers' }).waitFor();
    expect(await owner.getByRole('link', { name: 'IAMReadOnlyAccess' }).getAttribute('href')).toBe(
      `/console/policies/${encodeURIComponent('arn:aws:iam::aws:policy/IAMReadOnlyAccess')}`,
    );
    await expectFitsPhone(owner, 'group-attach-policies');
    await submit(owner, 'Attach IAMReadOnlyAccess');
    expect(await readAlert(owner, 'status')).toBe('The policy was attached to the group.');

    await submit(owner, 'Add inline policy', { role: 'link' });
    await fillField(owner, 'Policy name', 'Buckets');
    await fillField(owner, 'Policy document (JSON)', '{"Version": "2012-10-17", "Statement": []');
    await submit(owner, 'Save policy');
    await owner.getByText('Syntax errors in policy.').waitFor();
    expect(await field(owner, 'Policy name').inputValue()).toBe('Buckets');
    await fillField(owner, 'Policy document (JSON)', BUCKETS);
    await submit(owner, 'Save policy');
    await owner.getByRole('heading', { name: 'Inline policy Buckets' }).waitFor();
    expect(await readAlert(owner, 'status')).toBe('The inline policy was saved.');
    await expectFitsPhone(owner, 'group-inline-policy');

    await submit(owner, 'Back to group Readers', { role: 'link' });
    await submit(owner, 'Delete group Readers', { role: 'link' });
    await submit(owner, 'Delete Readers');
    expect(await readAlert(owner)).toBe('Cannot delete entity, must remove users from group first.');
    await submit(owner, 'Cancel', { role: 'link' });
    await owner.getByRole('heading', { name: 'Group Readers' }).waitFor();
    await expectFitsPhone(owner, 'group');
    expect(cspViolations(owner)).toEqual([]);

    // The member can now read the account's groups, and change nothing.
    const dana = await suite.newPage();
    await signInAsUser(dana, 'groups-labs', 'dana', USER_PASSWORD);
    await submit(dana, 'Groups', { role: 'link', within: dana.getByRole('navigation', { name: 'Console' }) });
    await dana.getByRole('link', { name: 'Readers' }).waitFor();
    expect(await dana.getByRole('button', { name: 'Create group' }).count()).toBe(0);
    await expectFitsPhone(dana, 'groups');

    // Detached after a confirmation, the policy no longer lets the member in.
    await submit(owner, 'Detach IAMReadOnlyAccess', { role: 'link' });
    await owner.getByRole('heading', { name: 'Detach IAMReadOnlyAccess from Readers?' }).waitFor();
    await submit(owner, 'Detach policy');
    expect(await readAlert(owner, 'status')).toBe('The policy was detached from the group.');
    const refused = await dana.goto('/console/groups');
    expect(refused?.status()).toBe(403);
    await click(dana, 'Back to the console', { role: 'link' });
  });
});
