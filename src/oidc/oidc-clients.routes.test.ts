import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setUserPolicy, signInUser } from '../../test/support/console.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { type Browser, type TestContext, createTestContext } from '../../test/support/harness.ts';
import { freePort } from '../../test/support/listen.ts';
import { registerTestClient } from '../../test/support/oidc-clients.ts';
import { pageText } from '../../test/support/page-text.ts';
import { rootOfNewAccount } from '../../test/support/root-console.ts';
import { insertTestRole, trustAccount } from '../../test/support/roles.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { putInlinePolicy } from '../policies/inline-policy.service.ts';
import { findClientById, getClient, listAccountClients, openClientSecret } from './oidc-client.service.ts';

const CLIENT_ID = /Client ID<\/dt><dd><code>(ghc[a-z2-7]+)<\/code>/;
const CLIENT_SECRET = /Client secret<\/dt><dd><code>([a-z2-7]{52})<\/code>/;

/** The form the Register page posts, with every scope ticked unless told. */
function registration(fields: Record<string, string>): Record<string, string> {
  return {
    name: 'Wiki',
    redirectUris: 'https://wiki.example/callback',
    postLogoutRedirectUris: '',
    scope_offline_access: 'on',
    scope_profile: 'on',
    scope_email: 'on',
    scope_groups: 'on',
    ...fields,
  };
}

function match(body: string, pattern: RegExp): string {
  const found = pattern.exec(body);
  if (!found) throw new Error(`${pattern} is not on the page`);
  return found[1]!;
}

describe.each(DIALECTS)('the Applications pages (OpenID Connect clients) on %s', { timeout: 60_000 }, (dialect) => {
  let t: TestContext;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await createTestContext(dialect, { PUBLIC_URL: base });
    // ID tokens are read against the wall clock by the client.
    t.clock.set(new Date());
    await t.app.listen({ host: '127.0.0.1', port });
  });
  afterAll(() => t.close());

  const ownerOfNewAccount = () => rootOfNewAccount(t, '/console/applications');

  async function register(root: Browser, csrf: string, fields: Record<string, string> = {}) {
    const created = await root.post('/console/applications', registration(fields), { csrf });
    expect(created.statusCode).toBe(201);
    return { page: created.body, clientId: match(created.body, CLIENT_ID) };
  }

  it('registers an application, shows its secret that once and never again, and lists it', async () => {
    const { account, root, csrf } = await ownerOfNewAccount();
    expect((await root.get('/console')).body).toContain('href="/console/applications"');
    const empty = await root.get('/console/applications');
    expect(pageText(empty.body)).toContain('No applications yet.');
    expect(empty.body).toContain('href="/console/applications/new"');
    expect((await root.get('/console/applications/new')).statusCode).toBe(200);

    const { page, clientId } = await register(root, csrf, {
      redirectUris: 'https://wiki.example/callback\r\nhttp://localhost:3000/callback',
      postLogoutRedirectUris: 'https://wiki.example/bye',
      scope_groups: '',
      firstParty: 'on',
    });
    const secret = match(page, CLIENT_SECRET);
    expect(pageText(page)).toContain('This is the only time the client secret can be seen.');
    expect(pageText(page)).toContain(`Issuer ${base}/oidc`);
    const stored = (await findClientById(t.deps, clientId))!;
    expect(openClientSecret(t.deps, stored)).toBe(secret);
    expect(stored.secretSealed).not.toContain(secret);
    expect(await getClient(t.deps, account.id, clientId)).toMatchObject({
      name: 'Wiki',
      public: false,
      firstParty: true,
      redirectUris: ['https://wiki.example/callback', 'http://localhost:3000/callback'],
      postLogoutRedirectUris: ['https://wiki.example/bye'],
      allowedScopes: ['openid', 'offline_access', 'profile', 'email'],
    });

    const list = await root.get('/console/applications');
    expect(pageText(list.body)).toContain(`Wiki ${clientId} Confidential Yes just now`);
    expect(list.body).not.toContain(secret);
    const shown = await root.get(`/console/applications/${clientId}`);
    expect(shown.statusCode).toBe(200);
    expect(shown.body).not.toContain(secret);
    const facts = pageText(shown.body);
    expect(facts).toContain('Allowed scopes openid offline_access profile email');
    expect(facts).toContain(`ARN arn:aws:gatehouse::${account.id}:oidc-client/${clientId}`);
    expect(facts).toContain(`Discovery ${base}/oidc/.well-known/openid-configuration`);
    expect(facts).toContain(
      `"Action": "gatehouse:SignInToClient", "Resource": "arn:aws:gatehouse::${account.id}:oidc-client/${clientId}"`,
    );
    for (const form of ['/settings', '/rotate-secret', '/delete'])
      expect(shown.body).toContain(`/console/applications/${clientId}${form}"`);
    const [event] = await listAuditEvents(t.deps.db, {
      accountId: account.id,
      eventName: 'CreateOidcClient',
      limit: 1,
    });
    expect([event?.actorName, event?.targetId]).toEqual(['root', clientId]);
  });

  it('says what is wrong at each field, keeps what was typed, and registers nothing', async () => {
    const { account, root, csrf } = await ownerOfNewAccount();
    const refused = await root.post(
      '/console/applications',
      registration({
        name: '  ',
        redirectUris: 'http://wiki.example/callback',
        postLogoutRedirectUris: 'https://wiki.example/bye#top',
      }),
      { csrf },
    );
    expect(refused.statusCode).toBe(400);
    const words = pageText(refused.body);
    expect(words).toContain('Give the application a name of 1 to 128 characters.');
    expect(words).toContain(
      'http://wiki.example/callback must use https: plain http is only for localhost, 127.0.0.1 or [::1].',
    );
    expect(words).toContain('https://wiki.example/bye#top must not have a fragment (#…).');
    expect(refused.body).toContain('id="f-redirectUris-error"');
    expect(refused.body).toContain('id="f-postLogoutRedirectUris-error"');
    expect(refused.body).toMatch(/<textarea id="f-redirectUris"[^>]*>http:\/\/wiki\.example\/callback<\/textarea>/);

    const noUri = await root.post('/console/applications', registration({ redirectUris: ' ' }), { csrf });
    expect(noUri.statusCode).toBe(400);
    expect(pageText(noUri.body)).toContain('Give at least one redirect URI.');
    const notUrl = await root.post('/console/applications', registration({ redirectUris: 'wiki/callback' }), { csrf });
    expect(pageText(notUrl.body)).toContain('wiki/callback is not an absolute URL.');
    expect(await listAccountClients(t.deps, account.id)).toEqual([]);
  });

  it('edits the settings, rotates the secret (the new one shown once) and deletes the application', async () => {
    const { account, root, csrf } = await ownerOfNewAccount();
    const { page, clientId } = await register(root, csrf);
    const first = match(page, CLIENT_SECRET);
    const href = `/console/applications/${clientId}`;

    const wrong = await root.post(
      `${href}/settings`,
      registration({ name: 'Wiki 2', redirectUris: 'ftp://wiki.example/callback' }),
      { csrf },
    );
    expect(wrong.statusCode).toBe(400);
    expect(pageText(wrong.body)).toContain('ftp://wiki.example/callback must be an http or https URL.');
    expect(wrong.body).toContain('value="Wiki 2"');

    const saved = await root.post(
      `${href}/settings`,
      registration({
        name: 'Team wiki',
        redirectUris: 'https://wiki.example/new-callback',
        postLogoutRedirectUris: 'https://wiki.example/bye',
        scope_offline_access: '',
        scope_email: '',
        firstParty: 'on',
      }),
      { csrf },
    );
    expect(saved.headers.location).toBe(`${href}?done=updated`);
    expect(await getClient(t.deps, account.id, clientId)).toMatchObject({
      name: 'Team wiki',
      firstParty: true,
      redirectUris: ['https://wiki.example/new-callback'],
      postLogoutRedirectUris: ['https://wiki.example/bye'],
      allowedScopes: ['openid', 'profile', 'groups'],
    });
    expect(pageText((await root.get(saved.headers.location as string)).body)).toContain(
      'The application’s settings were saved.',
    );
    const [updated] = await listAuditEvents(t.deps.db, {
      accountId: account.id,
      eventName: 'UpdateOidcClient',
      limit: 1,
    });
    expect(updated?.targetName).toBe('Team wiki');

    const confirmRotation = (await root.get(`${href}/rotate-secret`)).body;
    expect(pageText(confirmRotation)).toContain('Rotate the secret of Team wiki?');
    expect(confirmRotation).toContain(
      `<nav class="breadcrumb" aria-label="Breadcrumb"><a href="/console/applications">Applications</a> / <a href="${href}">Team wiki</a></nav>`,
    );
    const rotated = await root.post(`${href}/rotate-secret`, {}, { csrf });
    expect(rotated.statusCode).toBe(200);
    const second = match(rotated.body, CLIENT_SECRET);
    expect(second).not.toBe(first);
    expect(pageText(rotated.body)).toContain('The old secret no longer works.');
    expect(rotated.body).toContain(`<a class="button" href="${href}">Go to Team wiki</a>`);
    expect(openClientSecret(t.deps, (await findClientById(t.deps, clientId))!)).toBe(second);
    expect((await root.get(href)).body).not.toContain(second);

    expect(pageText((await root.get(`${href}/delete`)).body)).toContain('Delete application Team wiki?');
    const deleted = await root.post(`${href}/delete`, {}, { csrf });
    expect(deleted.headers.location).toBe('/console/applications?done=deleted');
    expect((await root.get(href)).statusCode).toBe(404);
    expect(await findClientById(t.deps, clientId)).toBeNull();
  });

  it('registers a public client without a secret, offers no rotation, and refuses one', async () => {
    const { root, csrf } = await ownerOfNewAccount();
    const { page, clientId } = await register(root, csrf, { public: 'on' });
    expect(page).not.toMatch(CLIENT_SECRET);
    expect(pageText(page)).toContain('Client secret None: a public client uses PKCE.');
    const shown = await root.get(`/console/applications/${clientId}`);
    expect(pageText(shown.body)).toContain('Type Public (no secret, PKCE required)');
    expect(shown.body).not.toContain('/rotate-secret"');
    const refused = await root.post(`/console/applications/${clientId}/rotate-secret`, {}, { csrf });
    expect(refused.statusCode).toBe(400);
    expect(pageText(refused.body)).toContain(`The client ${clientId} is public: it has no secret to rotate.`);
  });

  it('refuses a form without the page’s CSRF token, and another account’s client is not there', async () => {
    const { account, root, csrf } = await ownerOfNewAccount();
    const forged = await root.post('/console/applications', registration({}), { csrf: 'f'.repeat(64) });
    expect(forged.statusCode).toBe(403);
    expect(await listAccountClients(t.deps, account.id)).toEqual([]);
    expect(csrf).not.toBe('f'.repeat(64));

    const other = await makeAccount(t.deps);
    const theirs = await registerTestClient(t, other.id, 'Theirs');
    const href = `/console/applications/${theirs.client.clientId}`;
    expect((await root.get(href)).statusCode).toBe(404);
    expect((await root.post(`${href}/delete`, {}, { csrf })).statusCode).toBe(404);
    expect(await findClientById(t.deps, theirs.client.clientId)).not.toBeNull();
  });

  it('decides each page and form with the gatehouse:*OidcClient* actions on the client’s ARN', async () => {
    const account = await makeAccount(t.deps);
    const editable = (await registerTestClient(t, account.id, 'Editable')).client;
    const readOnly = (await registerTestClient(t, account.id, 'ReadOnly')).client;
    await makeUser(t.deps, account.id, 'vera');
    await setUserPolicy(t, account.id, 'vera', 'apps', [
      { Effect: 'Allow', Action: ['gatehouse:ListOidcClients', 'gatehouse:GetOidcClient'], Resource: '*' },
      { Effect: 'Allow', Action: 'gatehouse:UpdateOidcClient', Resource: editable.arn },
    ]);
    await makeUser(t.deps, account.id, 'nina');
    const vera = await signInUser(t, account.id, 'vera');

    expect((await vera.get('/console')).body).toContain('href="/console/applications"');
    const list = await vera.get('/console/applications');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain('href="/console/applications/new"');
    expect((await vera.get('/console/applications/new')).statusCode).toBe(403);
    expect((await vera.get(`/console/applications/${editable.clientId}`)).body).toContain(
      `action="/console/applications/${editable.clientId}/settings"`,
    );
    const other = await vera.get(`/console/applications/${readOnly.clientId}`);
    for (const form of ['/settings', '/rotate-secret', '/delete'])
      expect(other.body).not.toContain(`/console/applications/${readOnly.clientId}${form}"`);

    const csrf = await vera.csrf('/console/applications');
    const refused = await vera.post(
      `/console/applications/${readOnly.clientId}/settings`,
      registration({ name: 'Taken over' }),
      { csrf },
    );
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain(
      `None of your policies allows gatehouse:UpdateOidcClient on ${readOnly.arn}. Ask an administrator`,
    );
    expect((await getClient(t.deps, account.id, readOnly.clientId)).name).toBe('ReadOnly');
    const deleteRefused = await vera.post(`/console/applications/${editable.clientId}/delete`, {}, { csrf });
    expect(deleteRefused.body).toContain(`None of your policies allows gatehouse:DeleteOidcClient on ${editable.arn}`);
    const saved = await vera.post(
      `/console/applications/${editable.clientId}/settings`,
      registration({ name: 'Edited by vera' }),
      { csrf },
    );
    expect(saved.statusCode).toBe(303);
    expect((await getClient(t.deps, account.id, editable.clientId)).name).toBe('Edited by vera');

    const nina = await signInUser(t, account.id, 'nina');
    expect((await nina.get('/console')).body).not.toContain('href="/console/applications"');
    const closed = await nina.get('/console/applications');
    expect(closed.statusCode).toBe(403);
    expect(closed.body).toContain('None of your policies allows gatehouse:ListOidcClients on *');
  });

  it('in a console switched to a role, manages the role’s account’s applications as the role', async () => {
    const home = await makeAccount(t.deps);
    const partner = await makeAccount(t.deps);
    await makeUser(t.deps, home.id, 'sam');
    await setUserPolicy(t, home.id, 'sam', 'assume', [{ Effect: 'Allow', Action: 'sts:AssumeRole', Resource: '*' }]);
    await insertTestRole(t, partner.id, 'AppAdmins', { trustPolicy: trustAccount(home.id) });
    const manage = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'gatehouse:*', Resource: '*' }],
    });
    await putInlinePolicy(t.deps, partner.id, 'role', 'AppAdmins', 'apps', manage, CLI_ACTOR, SYSTEM_META);
    await registerTestClient(t, partner.id, 'Partner portal');

    const sam = await signInUser(t, home.id, 'sam');
    expect((await sam.get('/console/applications')).statusCode).toBe(403);
    const csrf = await sam.csrf('/console/switch-role');
    const switched = await sam.post(
      '/console/switch-role',
      { account: partner.id, roleName: 'AppAdmins', displayName: '', colour: 'blue' },
      { csrf },
    );
    expect(switched.headers.location).toBe('/console');
    expect(pageText((await sam.get('/console/applications')).body)).toContain('Partner portal');
    const { clientId } = await register(sam, csrf, { name: 'Made as the role' });
    expect((await listAccountClients(t.deps, partner.id)).map((c) => c.clientId)).toContain(clientId);
    expect(await listAccountClients(t.deps, home.id)).toEqual([]);
    const [event] = await listAuditEvents(t.deps.db, {
      accountId: partner.id,
      eventName: 'CreateOidcClient',
      limit: 1,
    });
    expect([event?.actorType, event?.actorName]).toEqual(['assumed-role', 'AppAdmins/sam']);
  });

  /** Follows the browser's redirects (and the refresh back to the application) until it leaves for the application. */
  async function follow(browser: Browser, start: string): Promise<{ location: string; body: string }> {
    let location = start;
    for (let hop = 0; hop < 12; hop++) {
      if (location.startsWith('https://wiki.example/')) return { location, body: '' };
      const response = await browser.get(location.startsWith(base) ? location.slice(base.length) : location);
      const refresh = /<meta http-equiv="refresh" content="0;url=([^"]+)">/.exec(response.body);
      if (response.statusCode === 200 && refresh) location = refresh[1]!.replaceAll('&amp;', '&');
      else if (response.statusCode === 302 || response.statusCode === 303) location = String(response.headers.location);
      else return { location, body: response.body };
    }
    throw new Error('too many redirects');
  }

  it('an edited redirect URI and narrowed scopes take effect in the next sign-in', async () => {
    const { root, csrf } = await ownerOfNewAccount();
    const { page, clientId } = await register(root, csrf, {
      redirectUris: 'https://wiki.example/old',
      firstParty: 'on',
    });
    const config = await client.discovery(
      new URL(`${base}/oidc`),
      clientId,
      undefined,
      client.ClientSecretBasic(match(page, CLIENT_SECRET)),
      { execute: [client.allowInsecureRequests] },
    );
    await root.post(
      `/console/applications/${clientId}/settings`,
      registration({ redirectUris: 'https://wiki.example/new', scope_groups: '', firstParty: 'on' }),
      { csrf },
    );

    const signIn = async (redirectUri: string, scope: string) => {
      const verifier = client.randomPKCECodeVerifier();
      const url = client.buildAuthorizationUrl(config, {
        redirect_uri: redirectUri,
        scope,
        code_challenge: await client.calculatePKCECodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      return { ...(await follow(root, url.href)), verifier };
    };

    const old = await signIn('https://wiki.example/old', 'openid profile');
    expect(old.location.startsWith('https://wiki.example/')).toBe(false);
    expect(pageText(old.body)).toContain("redirect_uri did not match any of the client's registered redirect_uris");

    const narrowed = await signIn('https://wiki.example/new', 'openid groups');
    const refusal = new URL(narrowed.location);
    expect([refusal.pathname, refusal.searchParams.get('error')]).toEqual(['/new', 'invalid_scope']);

    const allowed = await signIn('https://wiki.example/new', 'openid profile');
    expect(allowed.location).toMatch(/^https:\/\/wiki\.example\/new\?code=/);
    const tokens = await client.authorizationCodeGrant(config, new URL(allowed.location), {
      pkceCodeVerifier: allowed.verifier,
    });
    expect(tokens.claims()).toMatchObject({ name: 'root', aud: clientId });
  });
});
