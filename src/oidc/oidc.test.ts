import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { addUserToGroup, createGroup } from '../groups/group.service.ts';
import { giveAuthenticator, setUserPolicy, signInUser } from '../../test/support/console.ts';
import { codeAt, stepAt } from '../mfa/totp.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, USER_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { freePort } from '../../test/support/listen.ts';
import { APP_CALLBACK, authorizationRequest, followToApplication } from '../../test/support/oidc-tokens.ts';
import { deleteInlinePolicy } from '../policies/inline-policy.service.ts';
import { createClient } from './oidc-client.service.ts';

const AFTER_LOGOUT = 'https://app.example/bye';

describe.each(DIALECTS)('Gatehouse as an OpenID Connect provider on %s', (dialect) => {
  let t: TestContext;
  let base: string;
  let issuer: string;
  let account: Awaited<ReturnType<typeof makeAccount>>;
  let other: Awaited<ReturnType<typeof makeAccount>>;
  let alice: Awaited<ReturnType<typeof makeUser>>;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    issuer = `${base}/oidc`;
    t = await createTestContext(dialect, { PUBLIC_URL: base });
    // ID tokens and auth_time are read against the wall clock by the client.
    t.clock.set(new Date());
    await t.app.listen({ host: '127.0.0.1', port });
    account = await makeAccount(t.deps, { alias: `sso-${dialect}` });
    other = await makeAccount(t.deps);
    alice = await makeUser(t.deps, account.id, 'alice');
    await allowSignIn('alice', `arn:aws:gatehouse::${account.id}:oidc-client/*`);
  });
  afterAll(() => t.close());

  async function registered(options: { public?: boolean; firstParty?: boolean; accountId?: string } = {}) {
    const { client: c, clientSecret } = await createClient(
      t.deps,
      options.accountId ?? account.id,
      {
        name: 'Wiki',
        redirectUris: [APP_CALLBACK],
        postLogoutRedirectUris: [AFTER_LOGOUT],
        public: options.public ?? false,
        firstParty: options.firstParty ?? true,
      },
      CLI_ACTOR,
      SYSTEM_META,
    );
    const config = await client.discovery(
      new URL(issuer),
      c.clientId,
      undefined,
      clientSecret ? client.ClientSecretBasic(clientSecret) : client.None(),
      { execute: [client.allowInsecureRequests] },
    );
    return { id: c.clientId, arn: c.arn, config };
  }

  async function allowSignIn(userName: string, arn: string) {
    await setUserPolicy(t, account.id, userName, 'sso', [
      { Effect: 'Allow', Action: 'gatehouse:SignInToClient', Resource: arn },
    ]);
  }

  const follow = (browser: Browser, start: string) => followToApplication(browser, base, start);

  async function authorize(browser: Browser, config: client.Configuration, extra: Record<string, string> = {}) {
    const request = await authorizationRequest(config, { scope: 'openid profile email groups', ...extra });
    return { ...(await follow(browser, request.url)), checks: request.checks };
  }

  it('publishes its discovery document and public signing keys under PUBLIC_URL/oidc', async () => {
    const { config } = await registered();
    const meta = config.serverMetadata();
    expect(meta.issuer).toBe(issuer);
    expect(meta.authorization_endpoint).toBe(`${issuer}/auth`);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    // The endpoints the README's Grafana example names.
    expect(meta).toMatchObject({
      token_endpoint: `${issuer}/token`,
      userinfo_endpoint: `${issuer}/me`,
      jwks_uri: `${issuer}/jwks`,
      end_session_endpoint: `${issuer}/session/end`,
      introspection_endpoint: `${issuer}/token/introspection`,
      revocation_endpoint: `${issuer}/token/revocation`,
    });
    const jwks = (await (await fetch(meta.jwks_uri!)).json()) as { keys: Record<string, unknown>[] };
    expect(jwks.keys.length).toBeGreaterThan(0);
    expect(jwks.keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });

  it('signs a console user in with code + PKCE and issues an ID token with the documented claims', async () => {
    const { config } = await registered({ public: true });
    const group = await createGroup(t.deps, account.id, { name: 'Engineers' }, CLI_ACTOR, SYSTEM_META);
    await addUserToGroup(t.deps, account.id, group.name, 'alice', CLI_ACTOR, SYSTEM_META);
    const browser = await signInUser(t, account.id, 'alice');
    const { location, checks } = await authorize(browser, config);
    expect(location).toMatch(/^https:\/\/app\.example\/callback\?code=/);
    const tokens = await client.authorizationCodeGrant(config, new URL(location), checks);
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({
      iss: issuer,
      sub: alice.id,
      name: 'alice',
      preferred_username: 'alice',
      account_id: account.id,
      account_alias: `sso-${dialect}`,
      groups: ['Engineers'],
      acr: 'pwd',
      amr: ['pwd'],
    });
    const info = await client.fetchUserInfo(config, tokens.access_token, alice.id);
    expect(info).toMatchObject({ sub: alice.id, preferred_username: 'alice', groups: ['Engineers'] });
  });

  it('sends a browser without a session through the console sign-in and back, and asks MFA users for their code', async () => {
    const { arn, config } = await registered();
    const bob = await makeUser(t.deps, account.id, 'bob');
    await allowSignIn('bob', arn);
    const app = await giveAuthenticator(t, account.id, bob.id, 'bob-phone');
    const browser = new Browser(t.app);
    const started = await authorize(browser, config, { acr_values: 'mfa' });
    expect(started.location).toBe('/signin');
    const password = await browser.post(`/signin/${account.id}`, { userName: 'bob', password: USER_PASSWORD });
    expect(password.headers.location).toBe('/signin/mfa');
    const mfa = await browser.post('/signin/mfa', { device: app.id, code: codeAt(app.secret, stepAt(t.clock.now())) });
    expect(mfa.headers.location).toMatch(/^\/signin\/sso\//);
    const back = await follow(browser, String(mfa.headers.location));
    const tokens = await client.authorizationCodeGrant(config, new URL(back.location), started.checks);
    // RFC 8176: the second factor was a one-time code (a security key says `hwk`: test/browser/oidc-sign-in.browser.test.ts).
    expect(tokens.claims()).toMatchObject({ sub: bob.id, acr: 'mfa', amr: ['pwd', 'mfa', 'otp'] });
  });

  it('refuses acr_values=mfa to a person who signed in without MFA', async () => {
    const { config } = await registered();
    const browser = await signInUser(t, account.id, 'alice');
    const { location } = await authorize(browser, config, { acr_values: 'mfa' });
    expect(new URL(location).searchParams.get('error')).toBe('access_denied');
  });

  it('signs in again for prompt=login, and for max_age shorter than the session', async () => {
    const { config } = await registered();
    const browser = await signInUser(t, account.id, 'alice');
    for (const extra of [{ prompt: 'login' }, { max_age: '60' }] as Record<string, string>[]) {
      if (extra.max_age) t.clock.advance(120_000);
      const started = await authorize(browser, config, extra);
      expect(started.location).toBe(`/signin/${account.id}`);
      expect(browser.cookies.has('gh_session')).toBe(false);
      const again = await browser.post(`/signin/${account.id}`, { userName: 'alice', password: USER_PASSWORD });
      const back = await follow(browser, String(again.headers.location));
      const tokens = await client.authorizationCodeGrant(config, new URL(back.location), {
        ...started.checks,
        ...(extra.max_age ? { maxAge: 60 } : {}),
      });
      expect(tokens.claims()!.sub).toBe(alice.id);
    }
  });

  it('requires PKCE of a public client', async () => {
    const { config } = await registered({ public: true });
    const browser = await signInUser(t, account.id, 'alice');
    const url = client.buildAuthorizationUrl(config, { redirect_uri: APP_CALLBACK, scope: 'openid' });
    const { location } = await follow(browser, url.href);
    expect(new URL(location).searchParams.get('error')).toBe('invalid_request');
  });

  it('rotates refresh tokens and refuses a used one; revokes and introspects; userinfo answers for the token', async () => {
    const { config } = await registered();
    const browser = await signInUser(t, account.id, 'alice');
    const { location, checks } = await authorize(browser, config);
    const first = await client.authorizationCodeGrant(config, new URL(location), checks);
    expect(first.refresh_token).toBeTruthy();
    const second = await client.refreshTokenGrant(config, first.refresh_token!);
    expect(second.refresh_token).toBeTruthy();
    expect(second.refresh_token).not.toBe(first.refresh_token);
    await expect(client.refreshTokenGrant(config, first.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });

    const { config: fresh } = await registered();
    const session = await authorize(browser, fresh);
    const tokens = await client.authorizationCodeGrant(fresh, new URL(session.location), session.checks);
    expect(await client.tokenIntrospection(fresh, tokens.access_token)).toMatchObject({
      active: true,
      sub: alice.id,
      client_id: fresh.clientMetadata().client_id,
    });
    expect((await client.fetchUserInfo(fresh, tokens.access_token, alice.id)).sub).toBe(alice.id);
    // Another instance on the same database answers for the same token.
    const instance = await buildApp(t.config, t.deps, { logger: false });
    const elsewhere = await instance.inject({
      method: 'GET',
      url: '/oidc/me',
      headers: { authorization: `Bearer ${tokens.access_token}` },
    });
    await instance.close();
    expect(elsewhere.statusCode).toBe(200);
    expect(JSON.parse(elsewhere.body)).toMatchObject({ sub: alice.id });
    await client.tokenRevocation(fresh, tokens.access_token);
    expect((await client.tokenIntrospection(fresh, tokens.access_token)).active).toBe(false);
    await expect(client.fetchUserInfo(fresh, tokens.access_token, alice.id)).rejects.toThrow();
    const events = await auditEvents('OidcToken');
    expect(events.some((e) => e.target_id === fresh.clientMetadata().client_id)).toBe(true);
  });

  it('decides SignInToClient again at each refresh: once the policy is gone the refresh is refused, and audited', async () => {
    const { arn, config } = await registered();
    const dave = await makeUser(t.deps, account.id, 'dave');
    await allowSignIn('dave', arn);
    const browser = await signInUser(t, account.id, 'dave');
    const { location, checks } = await authorize(browser, config);
    const first = await client.authorizationCodeGrant(config, new URL(location), checks);
    const allowed = await client.refreshTokenGrant(config, first.refresh_token!);
    expect(allowed.claims()?.sub).toBe(dave.id);

    await deleteInlinePolicy(t.deps, account.id, 'user', 'dave', 'sso', CLI_ACTOR, SYSTEM_META);
    await expect(client.refreshTokenGrant(config, allowed.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
    const clientId = config.clientMetadata().client_id;
    const refused = (await auditEvents('OidcToken')).filter((e) => e.target_id === clientId && e.outcome === 'Failure');
    expect(refused.map((e) => [e.actor_id, e.reason])).toEqual([[dave.id, 'SignInToClientDenied']]);

    // The refusal spends nothing: allowed again, the same refresh token works.
    await allowSignIn('dave', arn);
    expect((await client.refreshTokenGrant(config, allowed.refresh_token!)).claims()?.sub).toBe(dave.id);
  });

  it('signs out of the application and of Gatehouse (RP-initiated logout)', async () => {
    const { config } = await registered();
    const browser = await signInUser(t, account.id, 'alice');
    const { location, checks } = await authorize(browser, config);
    const tokens = await client.authorizationCodeGrant(config, new URL(location), checks);
    const end = client.buildEndSessionUrl(config, {
      id_token_hint: tokens.id_token!,
      post_logout_redirect_uri: AFTER_LOGOUT,
    });
    const question = await browser.get(end.pathname + end.search);
    expect(question.statusCode).toBe(200);
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(question.body)![1]!;
    const confirmed = await browser.app.inject({
      method: 'POST',
      url: '/oidc/session/end/confirm',
      payload: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: browser.cookieHeader() },
    });
    browser.remember(confirmed);
    expect(confirmed.headers.location).toBe(AFTER_LOGOUT);
    expect((await browser.get('/console')).headers.location).toBe('/signin');
  });

  it('refuses a user of another account, and a user SignInToClient does not allow', async () => {
    const { config } = await registered();
    await makeUser(t.deps, other.id, 'mallory');
    const outsider = await signInUser(t, other.id, 'mallory');
    const refused = await authorize(outsider, config);
    expect(new URL(refused.location).searchParams.get('error')).toBe('access_denied');

    await makeUser(t.deps, account.id, 'carol');
    const carol = await signInUser(t, account.id, 'carol');
    const denied = await authorize(carol, config);
    expect(new URL(denied.location).searchParams.get('error')).toBe('access_denied');
    const failures = await auditEvents('OidcAuthorize');
    expect(failures.filter((e) => e.outcome === 'Failure').map((e) => e.reason)).toEqual(
      expect.arrayContaining(['OtherAccount', 'SignInToClientDenied']),
    );
  });

  it('asks consent once for a client that is not first-party', async () => {
    const { config } = await registered({ firstParty: false });
    const browser = await signInUser(t, account.id, 'alice');
    const first = await authorize(browser, config);
    expect(first.page?.statusCode).toBe(200);
    expect(first.page?.body).toContain('Sign in to Wiki?');
    const allowed = await browser.post(first.location, { decision: 'allow' }, { csrfFrom: first.location });
    expect(allowed.statusCode).toBe(200);
    const refresh = /content="0;url=([^"]+)"/.exec(allowed.body)![1]!.replaceAll('&amp;', '&');
    const back = await follow(browser, refresh);
    expect(back.location).toMatch(/code=/);
    const again = await authorize(browser, config);
    expect(again.location).toMatch(/^https:\/\/app\.example\/callback\?code=/);
  });

  it('lets the root user sign in, with the account ID as subject', async () => {
    const { config } = await registered();
    const browser = new Browser(t.app);
    const started = await authorize(browser, config);
    expect(started.location).toBe('/signin');
    const signedIn = await browser.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD });
    const back = await follow(browser, String(signedIn.headers.location));
    const tokens = await client.authorizationCodeGrant(config, new URL(back.location), started.checks);
    expect(tokens.claims()).toMatchObject({ sub: account.id, email: account.email, account_id: account.id });
  });

  async function auditEvents(eventName: string) {
    return t.deps.db
      .selectFrom('audit_events')
      .selectAll()
      .where('event_name', '=', eventName)
      .where('account_id', 'in', [account.id, other.id])
      .execute();
  }
});
