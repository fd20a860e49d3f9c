import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR, SYSTEM_META } from '../../src/audit/audit.service.ts';
import { attachPolicy } from '../../src/policies/attachment.service.ts';
import { escapeHtml } from '../../src/shared/html.ts';
import { ROOT_PASSWORD, USER_PASSWORD, makeAccount, makeUser } from '../support/fixtures.ts';
import { Browser, createTestContext, type TestContext } from '../support/harness.ts';

const TABLES = [
  'accounts',
  'root_users',
  'users',
  'login_profiles',
  'password_history',
  'sessions',
  'audit_events',
] as const;
const FORM = 'application/x-www-form-urlencoded';

interface Form {
  name: string;
  url: string;
  /** A complete, valid set of fields (values may still be wrong: these requests must never get that far). */
  fields: Record<string, string>;
  /** A field that has a length limit, and a value one over it. */
  long: [string, string];
  /** Who is signed in while posting. */
  as: 'nobody' | 'root' | 'user';
}

interface Case {
  name: string;
  payload?: string | Buffer;
  contentType?: string;
  status: number;
  message: string;
}

describe('bad input on the page forms', () => {
  let t: TestContext;
  let account: Awaited<ReturnType<typeof makeAccount>>;
  const browsers: Record<Form['as'], Browser> = {} as Record<Form['as'], Browser>;

  beforeAll(async () => {
    t = await createTestContext('sqlite');
    account = await makeAccount(t.deps, { alias: 'bad-input' });
    await makeUser(t.deps, account.id, 'alice');
    // Allowed to change her own password (as AWS requires), so bad input is what refuses her forms.
    await attachPolicy(
      t.deps,
      account.id,
      'user',
      'alice',
      'arn:aws:iam::aws:policy/IAMUserChangePassword',
      CLI_ACTOR,
      SYSTEM_META,
    );
    browsers.nobody = new Browser(t.app);
    await browsers.nobody.csrf();
    browsers.root = new Browser(t.app);
    expect(
      (await browsers.root.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD })).statusCode,
    ).toBe(303);
    browsers.user = new Browser(t.app);
    expect(
      (await browsers.user.post(`/signin/${account.id}`, { userName: 'alice', password: USER_PASSWORD })).statusCode,
    ).toBe(303);
  });
  afterAll(() => t.close());

  async function counts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const table of TABLES) {
      const row = await t.deps.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      out[table] = Number(row.n);
    }
    return out;
  }

  const forms: Form[] = [
    {
      name: 'root sign-in',
      url: '/signin/root/password',
      fields: { email: 'someone@example.com', password: 'a password of some kind' },
      long: ['email', `${'e'.repeat(243)}@example.com`],
      as: 'nobody',
    },
    {
      name: 'IAM sign-in',
      url: '/signin/bad-input',
      fields: { userName: 'alice', password: 'a password of some kind' },
      long: ['userName', 'u'.repeat(129)],
      as: 'nobody',
    },
    {
      name: 'sign-up',
      url: '/signup',
      fields: {
        email: 'new-owner@example.com',
        name: 'New account',
        password: 'a password of some kind',
        confirm: 'a password of some kind',
      },
      long: ['name', 'n'.repeat(51)],
      as: 'nobody',
    },
    {
      name: 'change password',
      url: '/console/change-password',
      fields: {
        currentPassword: USER_PASSWORD,
        newPassword: 'another long passphrase',
        confirmPassword: 'another long passphrase',
      },
      long: ['newPassword', 'p'.repeat(1025)],
      as: 'user',
    },
    {
      name: 'create user',
      url: '/console/users',
      fields: { userName: 'bob', password: 'a password of some kind', requireReset: 'on' },
      long: ['userName', 'b'.repeat(129)],
      as: 'root',
    },
  ];

  function casesFor(form: Form, csrf: string): Case[] {
    const encode = (fields: Record<string, string>) => new URLSearchParams({ _csrf: csrf, ...fields }).toString();
    const [first, ...others] = Object.keys(form.fields) as [string, ...string[]];
    const { [first]: _omitted, ...missingFirst } = form.fields;
    return [
      {
        name: 'an over-long field',
        payload: encode({ ...form.fields, [form.long[0]]: form.long[1] }),
        status: 400,
        message: `The field "${form.long[0]}" must be at most ${form.long[1].length - 1} characters long.`,
      },
      {
        name: 'a percent-escape that is not UTF-8',
        payload: `${encode(missingFirst)}&${first}=%FF`,
        status: 400,
        message: `The field "${first}" is not valid UTF-8 text.`,
      },
      {
        name: 'raw bytes that are not UTF-8',
        payload: Buffer.concat([Buffer.from(`${encode(missingFirst)}&${first}=`), Buffer.from([0xc3, 0x28, 0xff])]),
        status: 400,
        message: `The field "${first}" is not valid UTF-8 text.`,
      },
      {
        name: 'a missing field',
        payload: encode(missingFirst),
        status: 400,
        message: `The form is missing the field "${first}".`,
      },
      {
        name: 'a duplicated field',
        payload: `${encode(form.fields)}&${first}=again`,
        status: 400,
        message: `The field "${first}" was sent more than once.`,
      },
      {
        name: 'an unknown field',
        payload: `${encode(form.fields)}&isAdmin=1`,
        status: 400,
        message: 'The form has an unexpected field "isAdmin".',
      },
      {
        name: 'a field named like an object property',
        payload: `${encode(form.fields)}&constructor=1`,
        status: 400,
        message: 'The form has an unexpected field "constructor".',
      },
      {
        name: 'a 1 MB body',
        payload: `${encode(form.fields)}&${others[0] ?? first}=${'x'.repeat(1024 * 1024)}`,
        status: 413,
        message: 'The request is too large.',
      },
      {
        name: 'a JSON body',
        payload: JSON.stringify({ _csrf: csrf, ...form.fields }),
        contentType: 'application/json',
        status: 415,
        message: 'The request must be sent as a form (application/x-www-form-urlencoded).',
      },
      {
        name: 'a plain-text body',
        payload: encode(form.fields),
        contentType: 'text/plain',
        status: 415,
        message: 'The request must be sent as a form (application/x-www-form-urlencoded).',
      },
      {
        name: 'no body',
        status: 400,
        message: 'The form was empty or not sent as a form.',
      },
    ];
  }

  for (const form of forms) {
    it(`refuses each kind of bad input to the ${form.name} form with a specific 4xx, writing nothing`, async () => {
      const browser = browsers[form.as];
      const csrf = await browser.csrf(form.as === 'nobody' ? '/signin?choose=1' : '/console/security-credentials');
      const before = await counts();
      for (const c of casesFor(form, csrf)) {
        const response = await t.app.inject({
          method: 'POST',
          url: form.url,
          headers: {
            cookie: browser.cookieHeader(),
            ...(c.payload !== undefined ? { 'content-type': c.contentType ?? FORM } : {}),
          },
          ...(c.payload !== undefined ? { payload: c.payload } : {}),
        });
        expect(response.statusCode, `${form.name}: ${c.name}`).toBe(c.status);
        expect(response.body, `${form.name}: ${c.name}`).toContain(escapeHtml(c.message));
        expect(response.headers['content-type']).toContain('text/html');
        const cookies = (response.cookies as Array<{ name: string }>).map((cookie) => cookie.name);
        expect(cookies, `${form.name}: ${c.name}`).not.toContain('gh_session');
      }
      expect(await counts()).toEqual(before);
      // The valid form still works afterwards with the same cookies: nothing was broken by the junk.
      const page = await browser.get(form.as === 'nobody' ? '/signin?choose=1' : '/console/security-credentials');
      expect(page.statusCode).toBe(200);
    });
  }

  it('refuses a form from another site before reading it', async () => {
    const before = await counts();
    const response = await t.app.inject({
      method: 'POST',
      url: '/signup',
      headers: { 'content-type': FORM, origin: 'https://evil.example', cookie: browsers.nobody.cookieHeader() },
      payload: 'email=x%40example.com&name=x&password=aaaaaaaaaa&confirm=aaaaaaaaaa',
    });
    expect(response.statusCode).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it('still accepts a well-formed form with non-ASCII text', async () => {
    const response = await browsers.nobody.post('/signup', {
      email: 'zoë@example.com',
      name: 'Café Ünïcode',
      password: 'pässwörd mit ümlauten',
      confirm: 'pässwörd mit ümlauten',
    });
    expect(response.statusCode).toBeLessThan(400);
    const stored = await t.deps.db.selectFrom('accounts').select('name').where('name', '=', 'Café Ünïcode').execute();
    expect(stored).toHaveLength(1);
  });
});
