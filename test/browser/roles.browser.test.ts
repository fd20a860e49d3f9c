import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CLI_ACTOR, SYSTEM_META } from '../../src/audit/audit.service.ts';
import { listOutboxMail } from '../../src/mail/outbox.service.ts';
import { attachPolicy } from '../../src/policies/attachment.service.ts';
import { SWITCH_REFUSED } from '../../src/switch-role/switch-role.service.ts';
import {
  BrowserSuite,
  cspViolations,
  describeInBrowser,
  expectFitsPhone,
  field,
  fillField,
  formWith,
  readAlert,
  screenshot,
  signInAsRoot,
  signInAsUser,
  submit,
} from '../support/browser.ts';
import { setUserPolicy } from '../support/console.ts';
import { ROOT_PASSWORD, USER_PASSWORD, makeAccount, makeUser } from '../support/fixtures.ts';
import { runPendingJobs } from '../support/jobs.ts';
import { insertTestRole } from '../support/roles.ts';

/** axe-core's serious and critical findings on the page as it is now. */
async function axeProblems(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3)}`);
}

const nav = (page: Page) => page.getByRole('navigation', { name: 'Console' });

/** Each journey walks a dozen pages in two browsers: more than one request's worth of time on a busy machine. */
const JOURNEY_TIMEOUT = 90_000;

describeInBrowser('roles and Switch role in Chromium', () => {
  const suite = new BrowserSuite();

  beforeAll(() => suite.start());
  afterAll(() => suite.stop());

  it(
    'an IAM user switches to a role, sees only what it allows, switches back; a refused switch is explained to the owner',
    async () => {
      const t = suite.live;
      const account = await makeAccount(t.deps, { alias: 'roles-labs' });
      await makeUser(t.deps, account.id, 'ivy');
      await makeUser(t.deps, account.id, 'tess');
      await makeUser(t.deps, account.id, 'zed');
      await setUserPolicy(t, account.id, 'ivy', 'assume', [
        { Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' },
      ]);
      await insertTestRole(t, account.id, 'UserReaders', { description: 'Reads users' });
      await attachPolicy(
        t.deps,
        account.id,
        'role',
        'UserReaders',
        'arn:aws:iam::aws:policy/IAMReadOnlyAccess',
        CLI_ACTOR,
        SYSTEM_META,
      );
      await insertTestRole(t, account.id, 'Admins', {
        trustPolicy: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${account.id}:user/zed` }, Action: 'sts:AssumeRole' },
          ],
        }),
      });

      const ivy = await suite.newPage();
      await signInAsUser(ivy, 'roles-labs', 'ivy', USER_PASSWORD);
      expect(await nav(ivy).getByRole('link', { name: 'Users', exact: true }).count()).toBe(0);

      await submit(ivy, 'Switch role', { role: 'link', within: ivy.locator('header') });
      await ivy.getByRole('heading', { name: 'Switch role', level: 1 }).waitFor();
      await fillField(ivy, 'Account ID or alias', 'roles-labs');
      await fillField(ivy, 'Role name', 'UserReaders');
      await fillField(ivy, 'Display name', 'Readers');
      await ivy.getByLabel('Green').check();
      await screenshot(ivy, 'switch-role');
      await submit(ivy, 'Switch role', { within: formWith(ivy, 'Role name') });

      // The banner, and the role's permissions: the users, without a form to create one.
      const banner = ivy.locator('.role-banner');
      await banner.waitFor();
      expect(await banner.getAttribute('class')).toContain('role-green');
      expect(await banner.innerText()).toMatch(/Readers\s+Role UserReaders @ roles-labs\s+60 min left/);
      expect(await nav(ivy).getByRole('link', { name: 'Security credentials' }).count()).toBe(0);
      expect(await axeProblems(ivy)).toEqual([]);
      await expectFitsPhone(ivy, 'switched-role');
      await submit(ivy, 'Users', { role: 'link', within: nav(ivy) });
      await ivy.getByRole('link', { name: 'tess' }).waitFor();
      expect(await ivy.getByRole('link', { name: 'Create user' }).count()).toBe(0);
      expect(await ivy.getByRole('button', { name: 'Create user' }).count()).toBe(0);
      expect(await axeProblems(ivy)).toEqual([]);

      await submit(ivy, 'Switch back to ivy');
      expect(new URL(ivy.url()).pathname).toBe('/console');
      expect(await ivy.locator('.role-banner').count()).toBe(0);
      expect(await nav(ivy).getByRole('link', { name: 'Users', exact: true }).count()).toBe(0);

      // The recently used role is one button away.
      await submit(ivy, 'Switch role', { role: 'link', within: ivy.locator('header') });
      await submit(ivy, 'Readers (role UserReaders in account roles-labs)');
      await ivy.locator('.role-banner.role-green').waitFor();
      await submit(ivy, 'Switch back to ivy');

      // A role whose trust policy does not name ivy: one message, whatever the reason.
      await submit(ivy, 'Switch role', { role: 'link', within: ivy.locator('header') });
      await fillField(ivy, 'Account ID or alias', 'roles-labs');
      await fillField(ivy, 'Role name', 'Admins');
      await submit(ivy, 'Switch role', { within: formWith(ivy, 'Role name') });
      expect(await readAlert(ivy)).toBe(SWITCH_REFUSED);
      expect(await field(ivy, 'Role name').inputValue()).toBe('Admins');
      expect(await axeProblems(ivy)).toEqual([]);
      expect(cspViolations(ivy)).toEqual([]);

      // The owner sees the reason on the Activity page, and in the sign-in doctor's report.
      const owner = await suite.newPage();
      await signInAsRoot(owner, account.email, ROOT_PASSWORD);
      await owner.goto('/console/activity?event=SwitchRole&outcome=Failure');
      await owner.getByText('TrustPolicyDenied').first().waitFor();

      const someone = await suite.newPage();
      await someone.goto('/signin/help/diagnose');
      await fillField(someone, 'Account ID (12 digits) or account alias', 'roles-labs');
      await fillField(someone, 'User name', 'ivy');
      await submit(someone, 'Send a report', { within: formWith(someone, 'User name') });
      await someone.getByRole('heading', { name: 'Report requested' }).waitFor();
      await runPendingJobs(t.deps);
      const report = (await listOutboxMail(t.deps, { limit: 10, recipient: account.email })).find(
        (m) => m.template === 'sign-in-diagnosis',
      )!;
      expect(report.text).toContain('ivy tried to switch to role Admins in account roles-labs');
      expect(report.text).toContain('the role’s trust policy does not let ivy assume it.');
      await owner.goto('/console');
      await owner.getByText('the role’s trust policy does not let ivy assume it', { exact: false }).waitFor();
    },
    JOURNEY_TIMEOUT,
  );

  it(
    'the owner creates a role with the wizard and reads it',
    async () => {
      const t = suite.live;
      const account = await makeAccount(t.deps, { alias: 'wizard-labs' });
      const owner = await suite.newPage();
      await signInAsRoot(owner, account.email, ROOT_PASSWORD);
      await submit(owner, 'Roles', { role: 'link', within: nav(owner) });
      await owner.getByRole('heading', { name: 'Roles', level: 1 }).waitFor();
      await submit(owner, 'Create role', { role: 'link' });

      await owner.getByLabel('Another account').check();
      await fillField(owner, 'Account ID', '111122223333');
      await fillField(owner, 'External ID', 'partner-7');
      await owner.getByLabel('Require MFA').check();
      expect(await axeProblems(owner)).toEqual([]);
      await submit(owner, 'Next: permissions');
      await owner.getByRole('heading', { name: 'What may the role do?' }).waitFor();
      await submit(owner, 'Add IAMReadOnlyAccess');
      await owner.getByRole('button', { name: 'Remove IAMReadOnlyAccess' }).waitFor();
      expect(await axeProblems(owner)).toEqual([]);
      await expectFitsPhone(owner, 'create-role-permissions');
      await submit(owner, 'Next: name and review');
      await fillField(owner, 'Role name', 'PartnerAuditors');
      await owner
        .getByText(
          'Allows principals in account 111122223333 to assume this role when sts:ExternalId equals partner-7 and MFA is present.',
        )
        .waitFor();
      expect(await axeProblems(owner)).toEqual([]);
      await submit(owner, 'Create role');

      await owner.getByRole('heading', { name: 'Role PartnerAuditors' }).waitFor();
      expect(await readAlert(owner, 'status')).toBe('The role was created.');
      await owner.getByRole('link', { name: 'IAMReadOnlyAccess', exact: true }).waitFor();
      await expectFitsPhone(owner, 'role');
      expect(cspViolations(owner)).toEqual([]);
    },
    JOURNEY_TIMEOUT,
  );
});
