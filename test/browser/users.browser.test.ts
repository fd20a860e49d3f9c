import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLI_ACTOR, SYSTEM_META } from '../../src/audit/audit.service.ts';
import { setAccountAlias } from '../../src/accounts/account.service.ts';
import {
  BrowserSuite,
  consoleMessages,
  cspViolations,
  describeInBrowser,
  expectFitsPhone,
  field,
  fillField,
  readAlert,
  signInAsRoot,
  submit,
} from '../support/browser.ts';
import { ROOT_PASSWORD, makeAccount } from '../support/fixtures.ts';

const pathOf = (page: Page) => new URL(page.url()).pathname;

/** What the page's clipboard holds (the script is evaluated in the page). */
function clipboardOf(page: Page): Promise<string> {
  return page.evaluate<string>('navigator.clipboard.readText()');
}

describeInBrowser('users and their access keys in a real browser', () => {
  const suite = new BrowserSuite();

  beforeAll(() => suite.start());
  afterAll(() => suite.stop());

  it('creates a user with a generated password, hands over the sign-in details, gives it a policy, and the user signs in with exactly that', async () => {
    const t = suite.live;
    const account = await makeAccount(t.deps);
    await setAccountAlias(t.deps, account.id, 'example-people', CLI_ACTOR, SYSTEM_META);

    const admin = await suite.newPage();
    await admin.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.url });
    await signInAsRoot(admin, account.email, ROOT_PASSWORD);
    await submit(admin, 'Users', { role: 'link', within: admin.getByRole('navigation', { name: 'Console' }) });
    expect(pathOf(admin)).toBe('/console/users');

    // Generated password is the default; "must create a new password" is on.
    await fillField(admin, 'User name', 'carol');
    expect(await field(admin, 'Generate a password').isChecked()).toBe(true);
    expect(await field(admin, 'User must create a new password at next sign-in').isChecked()).toBe(true);
    await submit(admin, 'Create user');

    expect(pathOf(admin)).toBe('/console/users/carol/sign-in-details');
    expect(await readAlert(admin, 'status')).toBe('The user was created.');
    const signInUrl = `${t.url}/signin/example-people`;
    expect(await admin.locator('main').innerText()).toContain(signInUrl);
    await expectFitsPhone(admin, 'user-sign-in-details');
    await admin.getByText('Show password').click();
    const password = (await admin.locator('details code').innerText()).trim();
    expect(password).toHaveLength(20);

    // Copy buttons appear with the script, and copy.
    await admin.getByRole('button', { name: 'Copy sign-in URL' }).click();
    await expect.poll(() => admin.locator('#copy-status').innerText()).toBe('Copied sign-in URL.');
    expect(await clipboardOf(admin)).toBe(signInUrl);
    await admin.getByRole('button', { name: 'Copy password' }).click();
    expect(await clipboardOf(admin)).toBe(password);

    // The .csv once; the instructions mail without the password.
    const download = admin.waitForEvent('download');
    await admin.getByRole('button', { name: 'Download .csv' }).click();
    const file = await download;
    expect(file.suggestedFilename()).toBe('carol_credentials.csv');
    const csv = readFileSync((await file.path())!, 'utf8');
    expect(csv).toContain(`carol,`);
    expect(csv).toContain(signInUrl);
    expect(csv.replaceAll('""', '"')).toContain(password);
    const mailto = (await admin.getByRole('link', { name: 'Email these instructions' }).getAttribute('href'))!;
    expect(decodeURIComponent(mailto)).toContain(`Sign-in URL: ${signInUrl}`);
    expect(decodeURIComponent(mailto)).not.toContain(password);

    // Reloading shows the password no more.
    await admin.reload();
    expect(await admin.locator('main').innerText()).not.toContain(password);
    expect(await admin.getByRole('button', { name: 'Download .csv' }).count()).toBe(0);

    // Give carol read-only IAM access.
    await submit(admin, 'Give carol permissions', { role: 'link' });
    expect(pathOf(admin)).toBe('/console/users/carol');
    await submit(admin, 'Attach policies', { role: 'link' });
    await submit(admin, 'Attach IAMReadOnlyAccess');
    expect(await readAlert(admin, 'status')).toBe('The policy was attached to the user.');
    const permissions = admin.locator('#permissions');
    expect(await permissions.innerText()).toContain('IAMReadOnlyAccess');
    expect(await permissions.innerText()).toContain('Not an administrator.');
    await fillField(admin, 'Tag key', 'team');
    await fillField(admin, 'Tag value', 'support');
    await submit(admin, 'Add tag');
    expect(await admin.locator('#tags').innerText()).toContain('support');
    await expectFitsPhone(admin, 'user');

    // An access key for carol: shown once with the CLI setup for this endpoint.
    await submit(admin, 'Create access key');
    expect(await admin.getByRole('heading', { name: 'Access key created' }).count()).toBe(1);
    expect(await admin.locator('main').innerText()).toContain(`export AWS_ENDPOINT_URL=${t.url}`);
    await admin.getByRole('button', { name: 'Copy environment variables' }).click();
    expect(await clipboardOf(admin)).toContain('AWS_SECRET_ACCESS_KEY=');
    await expectFitsPhone(admin, 'access-key-created');
    await submit(admin, 'Done', { role: 'link' });
    expect(await admin.locator('#access-keys').innerText()).toContain('Rotate');

    await submit(admin, 'Users', { role: 'link', within: admin.getByRole('navigation', { name: 'Breadcrumb' }) });
    const row = admin.getByRole('row').filter({ has: admin.getByRole('link', { name: 'carol', exact: true }) });
    expect(await row.getByRole('cell').nth(1).innerText()).toBe('Yes');
    expect(await row.getByRole('cell').nth(3).innerText()).toBe('1 · oldest created just now');
    await expectFitsPhone(admin, 'users');

    // carol signs in where the details said, must choose a password, and may read but not change.
    const carol = await suite.newPage();
    await carol.goto(signInUrl);
    await fillField(carol, 'User name', 'carol');
    await fillField(carol, 'Password', password);
    await submit(carol, 'Sign in');
    expect(pathOf(carol)).toBe('/console/change-password');
    await fillField(carol, 'Current password', password);
    await fillField(carol, 'New password', 'carol chose this one 8');
    await fillField(carol, 'Confirm new password', 'carol chose this one 8');
    await submit(carol, 'Change password');
    expect(pathOf(carol)).toBe('/console');
    await submit(carol, 'Users', { role: 'link', within: carol.getByRole('navigation', { name: 'Console' }) });
    expect(await carol.getByRole('button', { name: 'Create user' }).count()).toBe(0);
    await submit(carol, 'carol', { role: 'link' });
    expect(await carol.locator('#permissions').innerText()).toContain('IAMReadOnlyAccess');
    expect(await carol.getByRole('button', { name: /Delete/ }).count()).toBe(0);

    for (const page of [admin, carol]) {
      expect(cspViolations(page)).toEqual([]);
      expect(consoleMessages(page).filter((m) => m.startsWith('pageerror:'))).toEqual([]);
    }
  });
});
