import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { setUserPolicy, signInUser } from '../../test/support/console.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { snapshotDatabase } from '../../test/support/db-snapshot.ts';
import { ROOT_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { createAccessKey } from '../access-keys/access-key.service.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { findLoginProfile, findUserByName } from '../identities/user.repository.ts';
import { createVirtualDevice } from '../mfa/mfa.service.ts';
import { updatePasswordPolicy } from '../password-policy/password-policy.service.ts';
import { compositionViolation } from '../passwords/password-rules.ts';
import { attachPolicy } from '../policies/attachment.service.ts';
import { escapeHtml } from '../shared/html.ts';
import { USERS_PER_PAGE } from './user-console.service.ts';
import { pageText as textOf } from '../../test/support/page-text.ts';

/** The row of the users table that links to `name`. */
function rowOf(body: string, name: string): string {
  const row = new RegExp(`<tr><td><a href="/console/users/${encodeURIComponent(name)}">[\\s\\S]*?</tr>`).exec(body);
  return row ? textOf(row[0]) : '';
}

function passwordOn(body: string): string | undefined {
  const match = /<summary>Show password<\/summary><code>([^<]+)<\/code>/.exec(body);
  return match
    ? match[1]!
        .replace(/&#39;/g, "'")
        .replace(/&quot;/g, '"')
        .replace(/&amp;/g, '&')
    : undefined;
}

describe.each(DIALECTS)('the Users list and creating users on %s', (dialect) => {
  let t: TestContext;
  let account: Awaited<ReturnType<typeof makeAccount>>;
  let root: Browser;

  async function signedInRoot(): Promise<Browser> {
    const browser = new Browser(t.app);
    expect(
      (await browser.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD })).statusCode,
    ).toBe(303);
    return browser;
  }

  beforeAll(async () => {
    t = await createTestContext(dialect);
    account = await makeAccount(t.deps, { alias: `users-${dialect}` });
  });
  beforeEach(async () => {
    root = await signedInRoot();
  });
  afterAll(() => t.close());

  it('shows each user with console password, MFA, access keys and last activity', async () => {
    const quiet = await makeUser(t.deps, account.id, 'quiet', { password: null });
    const busy = await makeUser(t.deps, account.id, 'busy');
    await createVirtualDevice(t.deps, account.id, { name: 'busy-phone', pendingFor: busy.id }, CLI_ACTOR, SYSTEM_META);
    const owner = { accountId: account.id, principalId: quiet.id, userName: 'quiet' };
    const first = await createAccessKey(t.deps, owner, CLI_ACTOR, SYSTEM_META);
    t.clock.advance(3 * 86_400_000);
    await createAccessKey(t.deps, owner, CLI_ACTOR, SYSTEM_META);
    root = await signedInRoot();
    await root.post(
      `/console/users/quiet/access-keys/${first.accessKeyId}/status`,
      { status: 'Inactive' },
      {
        csrfFrom: '/console/users/quiet',
      },
    );
    await signInUser(t, account.id, 'busy');
    t.clock.advance(2 * 3_600_000);
    root = await signedInRoot();

    const list = await root.get('/console/users');
    expect(list.statusCode).toBe(200);
    expect(list.body).toContain('<th scope="col">Console password</th><th scope="col">MFA</th>');
    expect(rowOf(list.body, 'quiet')).toMatch(
      /^ quiet No Off 2 · oldest created 3 days ago · 1 inactive Never \d+ days ago $/,
    );
    // A pending enrolment is not MFA; the sign-in is the last activity.
    expect(rowOf(list.body, 'busy')).toMatch(/^ busy Yes Off None Console sign-in 2 h ago /);
  });

  it('finds users by part of their name, ignoring case, and pages through 50 at a time', async () => {
    for (let i = 0; i < USERS_PER_PAGE + 5; i++)
      await makeUser(t.deps, account.id, `pg_${String(i).padStart(2, '0')}`, { password: null });
    await makeUser(t.deps, account.id, 'pgA00', { password: null });

    const found = await root.get('/console/users?search=PG_0');
    expect(found.body).toContain('10 users match “PG_0”.');
    expect(rowOf(found.body, 'pg_03')).not.toBe('');
    expect(rowOf(found.body, 'pg_13')).toBe('');
    // `_` is a letter to the search, not a wildcard (nor is `%`).
    expect(rowOf(found.body, 'pgA00')).toBe('');
    expect((await root.get(`/console/users?search=${encodeURIComponent('%')}`)).body).toContain(
      'No user name contains',
    );

    const pageOne = await root.get('/console/users?search=pg');
    expect(pageOne.body).toContain(`Page 1 of 2 (${USERS_PER_PAGE + 6} users)`);
    expect(pageOne.body).toContain('href="/console/users?search=pg&amp;page=2" rel="next"');
    expect(rowOf(pageOne.body, 'pg_49')).not.toBe('');
    expect(rowOf(pageOne.body, 'pg_50')).toBe('');
    const pageTwo = await root.get('/console/users?search=pg&page=2');
    expect(rowOf(pageTwo.body, 'pg_50')).not.toBe('');
    expect(pageTwo.body).toContain('rel="prev"');
    // A page past the last shows the last; nonsense shows the first.
    expect(rowOf((await root.get('/console/users?search=pg&page=99')).body, 'pgA00')).not.toBe('');
    expect(rowOf((await root.get('/console/users?search=pg&page=x')).body, 'pg_00')).not.toBe('');
    expect(rowOf((await root.get(`/console/users?search=pg&page=${'9'.repeat(30)}`)).body, 'pgA00')).not.toBe('');
    expect((await root.get(`/console/users?search=${'p'.repeat(5000)}`)).statusCode).toBe(200);
    expect((await root.get('/console/users?search=nobody-by-that-name')).body).toContain(
      'No user name contains “nobody-by-that-name”.',
    );
  });

  it('creates a user with a generated password that the password policy accepts, shown once with the sign-in details', async () => {
    try {
      await generatedPasswordFlow();
    } finally {
      await updatePasswordPolicy(t.deps, account.id, { minimumPasswordLength: 8 }, CLI_ACTOR, SYSTEM_META);
    }
  });

  async function generatedPasswordFlow(): Promise<void> {
    await updatePasswordPolicy(
      t.deps,
      account.id,
      {
        minimumPasswordLength: 24,
        requireSymbols: true,
        requireNumbers: true,
        requireUppercaseCharacters: true,
        requireLowercaseCharacters: true,
      },
      CLI_ACTOR,
      SYSTEM_META,
    );
    const form = await root.get('/console/users');
    expect(form.body).toContain('<legend>Console access</legend>');
    expect(form.body).toContain('value="generated" checked');
    expect(form.body).toContain(`IAM users sign in at <code>http://gatehouse.test/signin/users-${dialect}</code>`);

    const created = await root.post(
      '/console/users',
      { userName: 'gina', consoleAccess: 'generated', requireReset: 'on' },
      { csrfFrom: '/console/users' },
    );
    expect(created.statusCode).toBe(303);
    expect(created.headers.location).toBe('/console/users/gina/sign-in-details');
    const handoff = created.cookies.find((c: { name: string }) => c.name === 'gh_once_sign-in-details') as
      | { value: string; path: string; httpOnly: boolean; sameSite: string; maxAge: number }
      | undefined;
    expect(handoff).toMatchObject({ path: '/console/users/gina/sign-in-details', httpOnly: true, sameSite: 'Strict' });
    expect(handoff!.maxAge).toBeLessThanOrEqual(600);

    const details = await root.get('/console/users/gina/sign-in-details');
    expect(details.statusCode).toBe(200);
    expect(details.body).toContain('The user was created.');
    expect(details.body).toContain('This is the only time the password can be seen or downloaded.');
    const password = passwordOn(details.body)!;
    expect(password).toHaveLength(24);
    expect(
      compositionViolation(password, {
        minimumPasswordLength: 24,
        requireSymbols: true,
        requireNumbers: true,
        requireUppercaseCharacters: true,
        requireLowercaseCharacters: true,
      }),
    ).toBeNull();
    expect(details.body).toContain(`<code>http://gatehouse.test/signin/users-${dialect}</code>`);
    expect(details.body).toContain('<dt>User name</dt><dd><code>gina</code>');
    expect(details.body).toContain('data-copy hidden>Copy<span class="visually-hidden"> password</span>');
    expect(details.body).toContain('<script src="/static/copy-buttons.js" defer></script>');
    // The email link carries the address and the user name, never the password.
    const mailto = /href="(mailto:[^"]+)"/.exec(details.body)![1]!.replace(/&amp;/g, '&');
    const mail = decodeURIComponent(mailto);
    expect(mail).toContain(`Sign-in URL: http://gatehouse.test/signin/users-${dialect}`);
    expect(mail).toContain('User name: gina');
    expect(mail).toContain('You will be asked to choose a new password when you first sign in.');
    expect(mail).not.toContain(password);
    expect(mailto).not.toContain(encodeURIComponent(password));

    // The details page read the handoff, and cleared it: a reload shows no password.
    const again = await root.get('/console/users/gina/sign-in-details');
    expect(again.statusCode).toBe(200);
    expect(again.body).not.toContain(password);
    expect(again.body).toContain('The password was shown once and is not shown again.');
    expect(again.body).not.toContain('sign-in-details.csv');

    // The .csv once, from the page that offered it.
    const csv = await root.post('/console/users/gina/sign-in-details.csv', {}, { csrfFrom: '/console/users' });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="gina_credentials.csv"');
    expect(csv.headers['cache-control']).toBe('no-store');
    const escaped = /[",]/.test(password) ? `"${password.replaceAll('"', '""')}"` : password;
    expect(csv.body).toBe(
      `User name,Password,Console sign-in URL\r\ngina,${escaped},http://gatehouse.test/signin/users-${dialect}\r\n`,
    );
    const twice = await root.post('/console/users/gina/sign-in-details.csv', {}, { csrfFrom: '/console/users' });
    expect(twice.statusCode).toBe(404);
    expect(twice.body).not.toContain(password);

    // The user signs in with it and must choose its own.
    const gina = new Browser(t.app);
    const signIn = await gina.post(`/signin/users-${dialect}`, { userName: 'gina', password });
    expect(signIn.headers.location).toBe('/console/change-password');
    const events = await listAuditEvents(t.deps.db, {
      accountId: account.id,
      eventName: 'CreateLoginProfile',
      limit: 5,
    });
    expect(events[0]!.targetName).toBe('gina');
    expect(JSON.stringify(events)).not.toContain(password);
  }

  it('hands the details over to the session that created the user only', async () => {
    const created = await root.post(
      '/console/users',
      { userName: 'hana', consoleAccess: 'generated' },
      { csrfFrom: '/console/users' },
    );
    const sealed = (created.cookies as Array<{ name: string; value: string }>).find(
      (c) => c.name === 'gh_once_sign-in-details',
    )!.value;
    const other = new Browser(t.app);
    await other.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD });
    other.cookies.set('gh_once_sign-in-details', sealed);
    const stolen = await other.get('/console/users/hana/sign-in-details');
    expect(stolen.statusCode).toBe(200);
    expect(passwordOn(stolen.body)).toBeUndefined();
    expect(stolen.body).toContain('The password was shown once');
    // Nor for another user's page in the same session.
    root.cookies.set('gh_once_sign-in-details', sealed);
    expect(passwordOn((await root.get('/console/users/gina/sign-in-details')).body)).toBeUndefined();
    // After ten minutes it is gone too.
    root.cookies.set('gh_once_sign-in-details', sealed);
    t.clock.advance(601_000);
    expect(passwordOn((await root.get('/console/users/hana/sign-in-details')).body)).toBeUndefined();
  });

  it('creates a user with a typed password, refusing one the rules refuse with the form kept', async () => {
    const refused = await root.post(
      '/console/users',
      { userName: 'ivo', consoleAccess: 'custom', password: 'short', requireReset: 'on' },
      { csrfFrom: '/console/users' },
    );
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toContain('Password must be at least 8 characters long.');
    expect(refused.body).toContain('value="ivo"');
    expect(refused.body).toContain('value="custom" checked');
    expect(refused.body).not.toContain('value="short"');
    expect(await findUserByName(t.deps.db, account.id, 'ivo')).toBeNull();

    const empty = await root.post(
      '/console/users',
      { userName: 'ivo', consoleAccess: 'custom', password: '' },
      { csrfFrom: '/console/users' },
    );
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('Type a console password, or choose another kind of console access.');

    const created = await root.post(
      '/console/users',
      { userName: 'ivo', consoleAccess: 'custom', password: 'ivo typed this one 3' },
      { csrfFrom: '/console/users' },
    );
    expect(created.headers.location).toBe('/console/users/ivo/sign-in-details');
    const details = await root.get('/console/users/ivo/sign-in-details');
    expect(passwordOn(details.body)).toBe('ivo typed this one 3');
    expect(details.body).toContain('<dt>New password at first sign-in</dt><dd>Not required</dd>');
    const ivo = (await findUserByName(t.deps.db, account.id, 'ivo'))!;
    expect((await findLoginProfile(t.deps.db, ivo.id))!.passwordResetRequired).toBe(false);
    expect(
      (await new Browser(t.app).post(`/signin/${account.id}`, { userName: 'ivo', password: 'ivo typed this one 3' }))
        .headers.location,
    ).toBe('/console');
  });

  it('creates a user without console access and opens its page; the API’s EntityAlreadyExists comes back on the form', async () => {
    const created = await root.post(
      '/console/users',
      { userName: 'robot', consoleAccess: 'none', password: 'ignored without console access' },
      { csrfFrom: '/console/users' },
    );
    expect(created.headers.location).toBe('/console/users/robot?done=created');
    const robot = (await findUserByName(t.deps.db, account.id, 'robot'))!;
    expect(await findLoginProfile(t.deps.db, robot.id)).toBeNull();
    expect((await root.get('/console/users/robot?done=created')).body).toContain('The user was created.');
    expect((await root.get('/console/users/robot/sign-in-details')).body).toContain(
      'robot has no console password: <a href="/console/users/robot#security-credentials">set one</a>',
    );

    const taken = await root.post(
      '/console/users',
      { userName: 'ROBOT', consoleAccess: 'none' },
      { csrfFrom: '/console/users' },
    );
    expect(taken.statusCode).toBe(409);
    expect(taken.body).toContain('User with name ROBOT already exists.');
    const invalid = await root.post(
      '/console/users',
      { userName: 'has space', consoleAccess: 'none' },
      { csrfFrom: '/console/users' },
    );
    expect(invalid.statusCode).toBe(400);
    expect(invalid.body).toContain('The user name may contain only letters, digits and + = , . @ _ - (no spaces).');
    expect(invalid.body).toContain('value="has space"');
  });

  it('offers a delegate who may not give console passwords a form without them, and refuses a password', async () => {
    await makeUser(t.deps, account.id, 'delegate');
    await setUserPolicy(t, account.id, 'delegate', 'create-only', [
      { Effect: 'Allow', Action: ['iam:ListUsers', 'iam:GetUser', 'iam:CreateUser'], Resource: '*' },
    ]);
    const delegate = await signInUser(t, account.id, 'delegate');
    const page = await delegate.get('/console/users');
    expect(page.body).toContain('action="/console/users"');
    expect(page.body).toContain('<input type="hidden" name="consoleAccess" value="none">');
    expect(page.body).not.toContain('name="password"');
    const refused = await delegate.post(
      '/console/users',
      { userName: 'sneaky', consoleAccess: 'generated' },
      { csrfFrom: '/console/users' },
    );
    expect(refused.statusCode).toBe(403);
    expect(refused.body).toContain('iam:CreateLoginProfile');
    expect(await findUserByName(t.deps.db, account.id, 'sneaky')).toBeNull();
    const ok = await delegate.post(
      '/console/users',
      { userName: 'plain', consoleAccess: 'none' },
      { csrfFrom: '/console/users' },
    );
    expect(ok.headers.location).toBe('/console/users/plain?done=created');
  });

  it('shows a read-only administrator the list and the help requests, no create form, and refuses the details', async () => {
    await makeUser(t.deps, account.id, 'reader');
    await attachPolicy(
      t.deps,
      account.id,
      'user',
      'reader',
      'arn:aws:iam::aws:policy/IAMReadOnlyAccess',
      CLI_ACTOR,
      SYSTEM_META,
    );
    const reader = await signInUser(t, account.id, 'reader');
    const list = await reader.get('/console/users');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain('href="#create-user"');
    expect(list.body).not.toContain('<form method="post" action="/console');
    const before = await snapshotDatabase(t.database);
    const details = await reader.get('/console/users/gina/sign-in-details');
    expect(details.statusCode).toBe(403);
    expect(details.body).toContain('iam:CreateLoginProfile');
    const csv = await reader.post('/console/users/gina/sign-in-details.csv', {}, { csrfFrom: '/console/users' });
    expect(csv.statusCode).toBe(403);
    expect(await snapshotDatabase(t.database)).toEqual(before);
  });

  it('asks before deleting a user, naming what goes with it, on a page without script', async () => {
    const leaver = await makeUser(t.deps, account.id, 'leaver');
    await createAccessKey(
      t.deps,
      { accountId: account.id, principalId: leaver.id, userName: 'leaver' },
      CLI_ACTOR,
      SYSTEM_META,
    );
    await attachPolicy(
      t.deps,
      account.id,
      'user',
      'leaver',
      'arn:aws:iam::aws:policy/IAMReadOnlyAccess',
      CLI_ACTOR,
      SYSTEM_META,
    );
    const userPage = await root.get('/console/users/leaver');
    expect(userPage.body).toContain('<form method="get" action="/console/users/leaver/delete">');
    const confirm = await root.get('/console/users/leaver/delete');
    expect(confirm.statusCode).toBe(200);
    const text = textOf(confirm.body);
    expect(text).toContain('Delete user leaver?');
    expect(text).toContain('its console password (it can no longer sign in)');
    expect(text).toContain('1 access key (programs using them stop working)');
    expect(text).toContain('1 attached managed policy (the policies themselves stay)');
    expect(confirm.body).toContain('<form method="post" action="/console/users/leaver/delete">');
    expect(confirm.body).not.toContain('<script');
    expect((await root.get('/console/users/nobody-here/delete')).statusCode).toBe(404);
    const deleted = await root.post('/console/users/leaver/delete', {}, { csrfFrom: '/console/users/leaver/delete' });
    expect(deleted.headers.location).toBe('/console/users?done=deleted');
    expect(await findUserByName(t.deps.db, account.id, 'leaver')).toBeNull();
  });

  it('escapes what users typed wherever it is shown', async () => {
    await makeUser(t.deps, account.id, 'a+b=c,d.e@f-g_h', { password: null });
    const list = await root.get(`/console/users?search=${encodeURIComponent('<b>')}`);
    expect(list.body).not.toContain('<b>');
    expect(list.body).toContain(escapeHtml('“<b>”'));
    const page = await root.get(`/console/users/${encodeURIComponent('a+b=c,d.e@f-g_h')}`);
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain('<h1>User a+b=c,d.e@f-g_h</h1>');
  });
});
