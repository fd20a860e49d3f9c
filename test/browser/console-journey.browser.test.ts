import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLI_ACTOR, SYSTEM_META } from '../../src/audit/audit.service.ts';
import { setAccountAlias } from '../../src/accounts/account.service.ts';
import {
  BrowserSuite,
  consoleMessages,
  describeInBrowser,
  field,
  fillField,
  readAlert,
  signInAsRoot,
  submit,
} from '../support/browser.ts';
import { ROOT_PASSWORD, makeAccount } from '../support/fixtures.ts';

const pathOf = (page: Page) => new URL(page.url()).pathname;

const READ_USERS_ONLY = JSON.stringify(
  {
    Version: '2012-10-17',
    Statement: [{ Sid: 'ReadUsers', Effect: 'Allow', Action: ['iam:ListUsers', 'iam:GetUser'], Resource: '*' }],
  },
  null,
  2,
);

/**
 * The whole journey of an account owner who has only a browser: a group, a policy of their
 * own attached to it, a user with console access in the group, the sign-in details handed
 * over — and the user can do exactly what the policy allows, nothing more.
 */
describeInBrowser('the console, from an empty account to a user with exactly the permissions given', () => {
  const suite = new BrowserSuite();

  beforeAll(() => suite.start());
  afterAll(() => suite.stop());

  it('creates a policy and a group, attaches one to the other, adds a new user to the group; the user signs in with exactly that', async () => {
    const t = suite.live;
    const account = await makeAccount(t.deps);
    await setAccountAlias(t.deps, account.id, 'journey-team', CLI_ACTOR, SYSTEM_META);
    const owner = await suite.newPage();
    await signInAsRoot(owner, account.email, ROOT_PASSWORD);
    const nav = () => owner.getByRole('navigation', { name: 'Console' });

    // A customer managed policy, written in the JSON editor.
    await submit(owner, 'Policies', { role: 'link', within: nav() });
    await submit(owner, 'Create policy', { role: 'link' });
    await fillField(owner, 'Policy name', 'ReadUsersOnly');
    await fillField(owner, 'Policy document (JSON)', READ_USERS_ONLY);
    await submit(owner, 'Create policy', { role: 'button' });
    await owner.getByRole('heading', { name: 'Policy ReadUsersOnly', level: 1 }).waitFor();

    // A user with console access; the sign-in details are handed over once.
    await submit(owner, 'Users', { role: 'link', within: nav() });
    await fillField(owner, 'User name', 'dora');
    await submit(owner, 'Create user');
    expect(pathOf(owner)).toBe('/console/users/dora/sign-in-details');
    const signInUrl = `${t.url}/signin/journey-team`;
    expect(await owner.locator('main').innerText()).toContain(signInUrl);
    await owner.getByText('Show password').click();
    const password = (await owner.locator('details code').innerText()).trim();

    // A group with the user in it and the policy attached.
    await submit(owner, 'Groups', { role: 'link', within: nav() });
    await fillField(owner, 'Group name', 'Readers');
    await submit(owner, 'Create group');
    await field(owner, 'User to add').selectOption('dora');
    await submit(owner, 'Add user');
    expect(await readAlert(owner, 'status')).toBe('The user was added to the group.');
    await submit(owner, 'Attach policies', { role: 'link' });
    await submit(owner, 'Attach ReadUsersOnly');
    expect(await readAlert(owner, 'status')).toBe('The policy was attached to the group.');

    // The user signs in where the details say, chooses a password, and may read users only.
    const dora = await suite.newPage();
    await dora.goto(signInUrl);
    await fillField(dora, 'User name', 'dora');
    await fillField(dora, 'Password', password);
    await submit(dora, 'Sign in');
    expect(pathOf(dora)).toBe('/console/change-password');
    await fillField(dora, 'Current password', password);
    await fillField(dora, 'New password', 'dora picked this phrase 4');
    await fillField(dora, 'Confirm new password', 'dora picked this phrase 4');
    await submit(dora, 'Change password');
    expect(pathOf(dora)).toBe('/console');
    const doraNav = dora.getByRole('navigation', { name: 'Console' });
    expect(await doraNav.getByRole('link', { name: 'Users' }).count()).toBe(1);
    expect(await doraNav.getByRole('link', { name: 'Groups' }).count()).toBe(0);
    expect(await doraNav.getByRole('link', { name: 'Policies' }).count()).toBe(0);
    await submit(dora, 'Users', { role: 'link', within: doraNav });
    expect(await dora.getByRole('link', { name: 'dora', exact: true }).count()).toBe(1);
    expect(await dora.getByRole('button', { name: 'Create user' }).count()).toBe(0);
    for (const [url, action] of [
      ['/console/groups', 'iam:ListGroups'],
      ['/console/policies', 'iam:ListPolicies'],
    ] as const) {
      const refused = await dora.goto(url);
      expect(refused?.status(), url).toBe(403);
      expect(await dora.locator('main').innerText(), url).toContain(action);
    }
    for (const page of [owner, dora])
      expect(consoleMessages(page).filter((m) => m.startsWith('pageerror:'))).toEqual([]);
  });
});
