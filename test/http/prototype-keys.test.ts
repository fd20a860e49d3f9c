import { ListUsersCommand, TagUserCommand } from '@aws-sdk/client-iam';
import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ACTOR, SYSTEM_META } from '../../src/audit/audit.service.ts';
import { attachPolicy } from '../../src/policies/attachment.service.ts';
import { escapeHtml } from '../../src/shared/html.ts';
import { awsClients, expectAwsError, keyFor } from '../support/aws-clients.ts';
import { DIALECTS } from '../support/databases.ts';
import { ROOT_PASSWORD, USER_PASSWORD, makeAccount, makeUser } from '../support/fixtures.ts';
import { Browser, createTestContext, type TestContext } from '../support/harness.ts';
import { listen } from '../support/listen.ts';

/** Every name an object inherits from Object.prototype: what a `table[name]` lookup finds without being told. */
const PROTOTYPE_NAMES = [...new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__'])];

type Client = { send(command: unknown): Promise<unknown> };
type Command = { middlewareStack: { add(middleware: unknown, options: { step: string; priority: string }): void } };

/** Sends `command` through the real SDK with `extra` appended to the form body before it is signed. */
function sendWithExtra(client: Client, command: Command, extra: string): Promise<unknown> {
  command.middlewareStack.add(
    (next: (args: { request: { body: string } }) => Promise<unknown>) =>
      async (args: { request: { body: string } }) => {
        args.request.body = `${args.request.body}&${extra}`;
        return next(args);
      },
    { step: 'build', priority: 'high' },
  );
  return client.send(command);
}

describe.each(DIALECTS)('names from Object.prototype sent as input on %s', (dialect) => {
  let t: TestContext;
  let endpoint: string;
  let clients: ReturnType<typeof awsClients>;
  let account: Awaited<ReturnType<typeof makeAccount>>;
  let root: Browser;
  let user: Browser;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    t.clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    endpoint = await listen(t.app);
    account = await makeAccount(t.deps, { alias: `proto-${dialect}` });
    await makeUser(t.deps, account.id, 'alice');
    // Allowed to change its own password, so the form is read (and refused for its field), not denied.
    await attachPolicy(
      t.deps,
      account.id,
      'user',
      'alice',
      'arn:aws:iam::aws:policy/IAMUserChangePassword',
      CLI_ACTOR,
      SYSTEM_META,
    );
    clients = awsClients(
      t,
      endpoint,
      await keyFor(t, { accountId: account.id, principalId: account.id, userName: null }),
    );
    root = new Browser(t.app);
    expect(
      (await root.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD })).statusCode,
    ).toBe(303);
    user = new Browser(t.app);
    expect((await user.post(`/signin/${account.id}`, { userName: 'alice', password: USER_PASSWORD })).statusCode).toBe(
      303,
    );
  });
  afterAll(() => t.close());

  it('as the Query API Action: 400 InvalidAction, whatever the Version and wherever the Action is sent', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PROTOTYPE_NAMES),
        fc.constantFrom(undefined, '2010-05-08', '2011-06-15', '1970-01-01'),
        fc.boolean(),
        async (name, version, inUrl) => {
          const pairs = [`Action=${encodeURIComponent(name)}`, ...(version ? [`Version=${version}`] : [])].join('&');
          const response = await t.app.inject({
            method: 'POST',
            url: inUrl ? `/?${pairs}` : '/',
            headers: { 'content-type': 'application/x-www-form-urlencoded' },
            payload: inUrl ? '' : pairs,
          });
          expect(response.statusCode, `Action=${name} Version=${version}`).toBe(400);
          expect(response.body).toContain('<Code>InvalidAction</Code>');
          expect(response.body).toContain(`Could not find operation ${name} for version ${version ?? ''}`);
        },
      ),
      {
        examples: PROTOTYPE_NAMES.map((name) => [name, undefined, false] as [string, string | undefined, boolean]),
        numRuns: 40,
      },
    );
  });

  it('as a Query API parameter name, signed by the real AWS SDK: 400 ValidationError naming the parameter', async () => {
    const requests = {
      GetCallerIdentity: () => ({ client: clients.sts, command: new GetCallerIdentityCommand({}) }),
      ListUsers: () => ({ client: clients.iam, command: new ListUsersCommand({}) }),
      TagUser: () => ({
        client: clients.iam,
        command: new TagUserCommand({ UserName: 'alice', Tags: [{ Key: 'team', Value: 'a' }] }),
      }),
    };
    const placements = {
      plain: (name: string) => name,
      list: (name: string) => `${name}.member.1`,
      field: (name: string) => `Tags.member.1.${name}`,
    };
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PROTOTYPE_NAMES),
        fc.constantFrom(...(Object.keys(requests) as Array<keyof typeof requests>)),
        fc.constantFrom(...(Object.keys(placements) as Array<keyof typeof placements>)),
        fc.constantFrom('', 'x', 'true', '{}'),
        async (name, action, placement, value) => {
          const parameter = placements[placement](name);
          const { client, command } = requests[action]();
          await expectAwsError(
            sendWithExtra(
              client as Client,
              command as unknown as Command,
              `${encodeURIComponent(parameter)}=${encodeURIComponent(value)}`,
            ),
            'ValidationError',
            400,
            `The parameter ${parameter} is not a parameter of ${action}.`,
          );
        },
      ),
      {
        examples: PROTOTYPE_NAMES.flatMap((name) => [
          [name, 'GetCallerIdentity', 'plain', 'x'],
          [name, 'ListUsers', 'plain', ''],
        ]) as Array<[string, keyof typeof requests, keyof typeof placements, string]>,
        numRuns: 30,
      },
    );
  });

  it('as a signed header name in a SigV4 Authorization header: a 4xx signature error', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PROTOTYPE_NAMES), fc.boolean(), async (name, presigned) => {
        const amzDate = t.clock
          .now()
          .toISOString()
          .replace(/[-:]/g, '')
          .replace(/\.\d{3}/, '');
        const credential = `AKIAAAAAAAAAAAAAAAAA/${amzDate.slice(0, 8)}/us-east-1/sts/aws4_request`;
        const signedHeaders = `host;${name};x-amz-date`;
        const response = presigned
          ? await t.app.inject({
              method: 'POST',
              url: `/?${new URLSearchParams({
                'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
                'X-Amz-Credential': credential,
                'X-Amz-Date': amzDate,
                'X-Amz-Expires': '60',
                'X-Amz-SignedHeaders': signedHeaders,
                'X-Amz-Signature': 'a'.repeat(64),
              }).toString()}`,
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              payload: 'Action=GetCallerIdentity&Version=2011-06-15',
            })
          : await t.app.inject({
              method: 'POST',
              url: '/',
              headers: {
                'content-type': 'application/x-www-form-urlencoded',
                'x-amz-date': amzDate,
                authorization: `AWS4-HMAC-SHA256 Credential=${credential}, SignedHeaders=${signedHeaders}, Signature=${'a'.repeat(64)}`,
              },
              payload: 'Action=GetCallerIdentity&Version=2011-06-15',
            });
        expect(response.statusCode, `SignedHeaders=${signedHeaders}`).toBeGreaterThanOrEqual(400);
        expect(response.statusCode, `SignedHeaders=${signedHeaders}`).toBeLessThan(500);
        expect(response.body).toMatch(/<Code>(IncompleteSignature|SignatureDoesNotMatch|InvalidClientTokenId)<\/Code>/);
      }),
      {
        examples: PROTOTYPE_NAMES.flatMap((name) => [
          [name, false] as [string, boolean],
          [name, true] as [string, boolean],
        ]),
        numRuns: 10,
      },
    );
  });

  it('as a form field on sign-in, recovery and console forms: 400 naming the field, nothing done', async () => {
    const forms: Array<{ url: string; as: () => Browser; fields: Record<string, string> }> = [
      {
        url: '/signin/root/password',
        as: () => new Browser(t.app),
        fields: { email: account.email, password: ROOT_PASSWORD },
      },
      {
        url: `/signin/${account.id}`,
        as: () => new Browser(t.app),
        fields: { userName: 'alice', password: USER_PASSWORD },
      },
      { url: '/signin/forgot', as: () => new Browser(t.app), fields: { email: account.email } },
      { url: '/signin/forgot/iam', as: () => new Browser(t.app), fields: { account: account.id, userName: 'alice' } },
      { url: '/signin/find-account', as: () => new Browser(t.app), fields: { email: account.email } },
      {
        url: '/console/users',
        as: () => root,
        fields: { userName: 'bob', password: 'a password of some kind', requireReset: 'on' },
      },
      {
        url: '/console/change-password',
        as: () => user,
        fields: {
          currentPassword: USER_PASSWORD,
          newPassword: 'another long passphrase',
          confirmPassword: 'another long passphrase',
        },
      },
    ];
    const outbox = async () =>
      Number(
        (
          await t.deps.db
            .selectFrom('mail_outbox')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const mailBefore = await outbox();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PROTOTYPE_NAMES),
        fc.nat(forms.length - 1),
        fc.boolean(),
        fc.string({ maxLength: 8 }),
        async (name, which, first, value) => {
          const form = forms[which]!;
          const browser = form.as();
          const extra: Record<string, string> = Object.create(null);
          extra[name] = value;
          const fields = first ? { ...extra, ...form.fields } : { ...form.fields, ...extra };
          expect(Object.keys(fields)).toContain(name);
          const response = await browser.post(form.url, fields, {
            csrfFrom: browser === root || browser === user ? '/console/security-credentials' : '/signin?choose=1',
            securityCheck: false,
          });
          expect(response.statusCode, `${form.url} with ${name}`).toBe(400);
          expect(response.body).toContain(escapeHtml(`The form has an unexpected field "${name}".`));
          expect((response.cookies as Array<{ name: string }>).map((c) => c.name)).not.toContain('gh_session');
        },
      ),
      {
        examples: PROTOTYPE_NAMES.flatMap((name) =>
          forms.map((_, which) => [name, which, false, '1'] as [string, number, boolean, string]),
        ),
        numRuns: 30,
      },
    );
    expect(await outbox()).toBe(mailBefore);
    const users = await t.deps.db.selectFrom('users').select('name').where('account_id', '=', account.id).execute();
    expect(users.map((u) => u.name)).toEqual(['alice']);
  });

  it('as the done= notice of a console page: the page shows no notice', async () => {
    const pages = [
      '/console/security-credentials',
      '/console/users',
      '/console/users/alice',
      '/console/password-policy',
      '/console/account-alias',
    ];
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...PROTOTYPE_NAMES), fc.constantFrom(...pages), async (name, page) => {
        const response = await root.get(`${page}?done=${encodeURIComponent(name)}`);
        expect(response.statusCode, `${page}?done=${name}`).toBe(200);
        expect(response.body.includes('alert-success'), `${page}?done=${name} shows a notice`).toBe(false);
      }),
      {
        examples: PROTOTYPE_NAMES.flatMap((name) => pages.map((page) => [name, page] as [string, string])),
        numRuns: 10,
      },
    );
    // A known notice still shows.
    expect((await root.get('/console/users?done=created')).body).toContain('The user was created.');
  });
});
