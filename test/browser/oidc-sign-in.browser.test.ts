import { Secret, TOTP } from 'otpauth';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR, SYSTEM_META } from '../../src/audit/audit.service.ts';
import { addUserToGroup, createGroup } from '../../src/groups/group.service.ts';
import { putInlinePolicy } from '../../src/policies/inline-policy.service.ts';
import {
  CHROMIUM_PATH,
  LAUNCH_ARGS,
  describeInBrowser,
  fillField,
  formWith,
  plugInSecurityKey,
  signInAsRoot,
  submit,
} from '../support/browser.ts';
import { giveAuthenticator } from '../support/console.ts';
import { DIALECTS } from '../support/databases.ts';
import { ROOT_PASSWORD, USER_PASSWORD, makeAccount, makeUser } from '../support/fixtures.ts';
import { type TestContext, createTestContext } from '../support/harness.ts';
import { freePort } from '../support/listen.ts';
import { registerTestClient } from '../support/oidc-clients.ts';
import { type RelyingParty, startRelyingParty } from '../support/relying-party.ts';

/**
 * "Sign in with Gatehouse" as a person does it: Chromium opens a separate application (a
 * relying party on its own port, test/support/relying-party.ts), which sends it to Gatehouse's
 * sign-in pages and reads the ID token and userinfo it gets back. Gatehouse is served as
 * http://localhost:<port> (listening on 127.0.0.1) because WebAuthn refuses an IP address as
 * relying-party ID: one suite signs in with a security key from Chromium's virtual authenticator.
 */
const OIDC_LAUNCH_ARGS = [...LAUNCH_ARGS, '--host-resolver-rules=MAP localhost 127.0.0.1'];
const ACCOUNT_FIELD = 'Account ID (12 digits) or account alias';

const pathOf = (page: Page) => new URL(page.url()).pathname;

/** The claims the application shows once it is back from Gatehouse (or the reason it could not sign in). */
async function claimsShown(page: Page, rp: RelyingParty) {
  await page.waitForURL((url) => url.href.startsWith(`${rp.url}/callback`));
  const error = page.locator('#error');
  if ((await error.count()) > 0) throw new Error(`the application could not sign in: ${await error.innerText()}`);
  return {
    idToken: JSON.parse(await page.locator('#id-token').innerText()) as Record<string, unknown>,
    userinfo: JSON.parse(await page.locator('#userinfo').innerText()) as Record<string, unknown>,
  };
}

describeInBrowser('an application signs people in through Gatehouse (OpenID Connect) in Chromium', () => {
  let chromiumBrowser: Browser;

  beforeAll(async () => {
    chromiumBrowser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: OIDC_LAUNCH_ARGS });
  });
  afterAll(() => chromiumBrowser?.close());

  describe.each(DIALECTS)('on %s', (dialect) => {
    let t: TestContext;
    let gatehouse: string;
    let rp: RelyingParty;
    let clientArn: string;
    let account: Awaited<ReturnType<typeof makeAccount>>;
    const contexts: BrowserContext[] = [];

    beforeAll(async () => {
      const port = await freePort();
      gatehouse = `http://localhost:${port}`;
      t = await createTestContext(dialect, { PUBLIC_URL: gatehouse, PORT: String(port) });
      // The application checks the ID token's times against the wall clock.
      t.clock.set(new Date());
      await t.app.listen({ port, host: '127.0.0.1' });
      account = await makeAccount(t.deps, { alias: `wiki-${dialect}` });
      rp = await startRelyingParty({
        issuer: `${gatehouse}/oidc`,
        scope: 'openid profile email groups',
        register: async (redirectUri) => {
          const { client, clientSecret } = await registerTestClient(t, account.id, 'Wiki', {
            redirectUris: [redirectUri],
            firstParty: true,
          });
          clientArn = client.arn;
          return { clientId: client.clientId, clientSecret: clientSecret! };
        },
      });
    });

    afterAll(async () => {
      await Promise.allSettled(contexts.map((c) => c.close()));
      await rp?.close();
      await t?.close();
    });

    async function newPage(): Promise<Page> {
      const context = await chromiumBrowser.newContext({ baseURL: gatehouse, locale: 'en-GB' });
      context.setDefaultTimeout(10_000);
      contexts.push(context);
      return context.newPage();
    }

    it('signs an IAM user in with password and TOTP code; the application reads the documented claims', async () => {
      const ada = await makeUser(t.deps, account.id, 'ada');
      // The group may use the application: SignInToClient on its ARN, as the README's Grafana example.
      await createGroup(t.deps, account.id, { name: 'WikiEditors' }, CLI_ACTOR, SYSTEM_META);
      await addUserToGroup(t.deps, account.id, 'WikiEditors', 'ada', CLI_ACTOR, SYSTEM_META);
      await putInlinePolicy(
        t.deps,
        account.id,
        'group',
        'WikiEditors',
        'wiki',
        JSON.stringify({
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Action: 'gatehouse:SignInToClient', Resource: clientArn }],
        }),
        CLI_ACTOR,
        SYSTEM_META,
      );
      const phone = await giveAuthenticator(t, account.id, ada.id, 'ada-phone');
      // The code as any authenticator app computes it from the enrolled seed (RFC 6238 defaults).
      const app = new TOTP({ secret: Secret.fromBase32(phone.secret), algorithm: 'SHA1', digits: 6, period: 30 });

      const page = await newPage();
      await page.goto(`${rp.url}/login`);
      expect(page.url()).toBe(`${gatehouse}/signin`);
      await fillField(page, ACCOUNT_FIELD, account.id);
      await submit(page, 'Next', { within: formWith(page, ACCOUNT_FIELD) });
      await fillField(page, 'User name', 'ada');
      await fillField(page, 'Password', USER_PASSWORD);
      await submit(page, 'Sign in');
      expect(pathOf(page)).toBe('/signin/mfa');
      await fillField(page, 'MFA code', app.generate({ timestamp: t.clock.now().getTime() }));
      await submit(page, 'Submit');

      const { idToken, userinfo } = await claimsShown(page, rp);
      expect(idToken).toMatchObject({
        iss: `${gatehouse}/oidc`,
        sub: ada.id,
        preferred_username: 'ada',
        account_id: account.id,
        account_alias: `wiki-${dialect}`,
        acr: 'mfa',
        amr: ['pwd', 'mfa', 'otp'],
        groups: ['WikiEditors'],
      });
      expect(ada.id).toMatch(/^AIDA[A-Z0-9]+$/);
      expect(userinfo).toMatchObject({ sub: ada.id, preferred_username: 'ada', groups: ['WikiEditors'] });
      expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Signed in as ada');
    });

    it('says `hwk` in amr when the second factor was a security key', async () => {
      const page = await newPage();
      await plugInSecurityKey(page);
      await signInAsRoot(page, account.email, ROOT_PASSWORD);
      await page.goto('/console/mfa/security-key');
      await fillField(page, 'Device name', 'desk-key');
      await submit(page, 'Register security key');
      expect(pathOf(page)).toBe('/console/security-credentials');
      await submit(page, 'Sign out');

      await page.goto(`${rp.url}/login`);
      expect(page.url()).toBe(`${gatehouse}/signin`);
      await fillField(page, 'Root user email address', account.email);
      await submit(page, 'Next', { within: formWith(page, 'Root user email address') });
      await fillField(page, 'Password', ROOT_PASSWORD);
      await submit(page, 'Sign in');
      expect(pathOf(page)).toBe('/signin/mfa');
      await submit(page, 'Use security key');

      const { idToken } = await claimsShown(page, rp);
      expect(idToken).toMatchObject({ sub: account.id, acr: 'mfa', amr: ['pwd', 'mfa', 'hwk'] });
    });
  });
});
