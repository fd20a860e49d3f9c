import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients } from '../../test/support/aws-clients.ts';
import { MANAGE_OWN_CREDENTIALS, setUserPolicy, signInUser } from '../../test/support/console.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, USER_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { listen } from '../../test/support/listen.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { findAccessKey, listAccessKeysOf } from './access-key.repository.ts';
import { noteAccessKeyUse } from './access-key.service.ts';

describe.each(DIALECTS)('access keys in the console on %s', (dialect) => {
  let t: TestContext;
  let account: Awaited<ReturnType<typeof makeAccount>>;
  let endpoint: string;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    t.clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    endpoint = await listen(t.app);
    account = await makeAccount(t.deps);
    await makeUser(t.deps, account.id, 'kim');
    await makeUser(t.deps, account.id, 'lee');
  });
  afterAll(() => t.close());

  async function rootBrowser() {
    const browser = new Browser(t.app);
    const response = await browser.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD });
    expect(response.statusCode).toBe(303);
    return browser;
  }

  function secretOf(body: string) {
    const id = /<dt>Access key ID<\/dt><dd><code>(AKIA[A-Z2-7]{16})<\/code>/.exec(body)?.[1];
    const secret = /<dt>Secret access key<\/dt><dd><code>([A-Za-z0-9+/]{40})<\/code>/.exec(body)?.[1];
    return { accessKeyId: id!, secretAccessKey: secret! };
  }

  it('lets the root user create its own key, warned that root keys are discouraged, and shows the secret once', async () => {
    const browser = await rootBrowser();
    const page = await browser.get('/console/security-credentials');
    expect(page.body).toContain('Root user access keys can do everything in the account');
    expect(page.body).toContain('You have no access keys.');
    const created = await browser.post(
      '/console/security-credentials/access-keys',
      {},
      { csrfFrom: '/console/security-credentials' },
    );
    expect(created.statusCode).toBe(201);
    expect(created.body).toContain('This is the only time the secret access key can be seen');
    const key = secretOf(created.body);
    const { sts } = awsClients(t, endpoint, key);
    expect((await sts.send(new GetCallerIdentityCommand({}))).Arn).toBe(`arn:aws:iam::${account.id}:root`);
    const after = await browser.get('/console/security-credentials');
    expect(after.body).toContain(key.accessKeyId);
    expect(after.body).not.toContain(key.secretAccessKey);
    expect(after.body).toContain('(sts, us-east-1)');
  });

  it("lets an administrator create, deactivate and delete a user's keys on the user's page", async () => {
    const browser = await rootBrowser();
    const created = await browser.post('/console/users/kim/access-keys', {}, { csrfFrom: '/console/users/kim' });
    expect(created.statusCode).toBe(201);
    const key = secretOf(created.body);
    const userPage = await browser.get('/console/users/kim');
    expect(userPage.body).toContain(key.accessKeyId);
    expect(userPage.body).not.toContain('Root user access keys');

    const deactivated = await browser.post(
      `/console/users/kim/access-keys/${key.accessKeyId}/status`,
      { status: 'Inactive' },
      { csrfFrom: '/console/users/kim' },
    );
    expect(deactivated.statusCode).toBe(303);
    const kim = (await t.deps.db.selectFrom('users').select('id').where('name', '=', 'kim').executeTakeFirstOrThrow())
      .id;
    expect((await listAccessKeysOf(t.deps.db, kim))[0]!.status).toBe('Inactive');
    const deleted = await browser.post(
      `/console/users/kim/access-keys/${key.accessKeyId}/delete`,
      {},
      { csrfFrom: '/console/users/kim' },
    );
    expect(deleted.statusCode).toBe(303);
    expect(await listAccessKeysOf(t.deps.db, kim)).toEqual([]);
    const events = await listAuditEvents(t.deps.db, { accountId: account.id, targetId: kim, limit: 10 });
    expect(events.map((e) => e.eventName)).toEqual(
      expect.arrayContaining(['CreateAccessKey', 'UpdateAccessKey', 'DeleteAccessKey']),
    );
    expect(events.find((e) => e.eventName === 'CreateAccessKey')!.actorName).toBe('root');
  });

  it('deletes a user with its keys from the console (the console removes dependents; the API refuses)', async () => {
    const browser = await rootBrowser();
    const created = await browser.post('/console/users/lee/access-keys', {}, { csrfFrom: '/console/users/lee' });
    const key = secretOf(created.body);
    const lee = (await t.deps.db.selectFrom('users').select('id').where('name', '=', 'lee').executeTakeFirstOrThrow())
      .id;
    const deleted = await browser.post('/console/users/lee/delete', {}, { csrfFrom: '/console/users/lee' });
    expect(deleted.statusCode).toBe(303);
    expect(await listAccessKeysOf(t.deps.db, lee)).toEqual([]);
    await expect(awsClients(t, endpoint, key).sts.send(new GetCallerIdentityCommand({}))).rejects.toThrow(
      /security token included in the request is invalid/,
    );
    await makeUser(t.deps, account.id, 'lee');
  });

  it('shows an IAM user who is not an administrator its keys but no way to create them', async () => {
    const browser = new Browser(t.app);
    expect((await browser.post(`/signin/${account.id}`, { userName: 'lee', password: USER_PASSWORD })).statusCode).toBe(
      303,
    );
    const page = await browser.get('/console/security-credentials');
    expect(page.body).toContain('You have no access keys.');
    expect(page.body).not.toContain('Create access key');
    const refused = await browser.post(
      '/console/security-credentials/access-keys',
      {},
      { csrfFrom: '/console/security-credentials' },
    );
    expect(refused.statusCode).toBe(403);
  });

  it('shows a new secret once with copy buttons and the CLI setup for this endpoint, and offers its .csv once', async () => {
    await makeUser(t.deps, account.id, 'csv-user');
    const browser = await rootBrowser();
    const created = await browser.post(
      '/console/users/csv-user/access-keys',
      {},
      { csrfFrom: '/console/users/csv-user' },
    );
    expect(created.statusCode).toBe(201);
    const key = secretOf(created.body);
    expect(created.body).toContain('data-copy hidden>Copy<span class="visually-hidden"> secret access key</span>');
    expect(created.body).toContain('<script src="/static/copy-buttons.js" defer></script>');
    expect(created.body).toContain('export AWS_ENDPOINT_URL=http://gatehouse.test');
    expect(created.body).toContain(`export AWS_SECRET_ACCESS_KEY=${key.secretAccessKey}`);
    expect(created.body).toContain('aws configure set endpoint_url http://gatehouse.test --profile gatehouse');
    const csvPath = `/console/users/csv-user/access-keys/${key.accessKeyId}/csv`;
    expect(created.body).toContain(`action="${csvPath}"`);
    const cookie = (created.cookies as Array<{ name: string; path: string; sameSite: string }>).find(
      (c) => c.name === 'gh_once_credentials-csv',
    );
    expect(cookie).toMatchObject({ path: csvPath, sameSite: 'Strict' });
    expect(JSON.stringify(created.headers)).not.toContain(key.secretAccessKey);

    // Another session of the same administrator has nothing to download.
    const other = await rootBrowser();
    const stolen = browser.cookies.get('gh_once_credentials-csv')!;
    other.cookies.set('gh_once_credentials-csv', stolen);
    expect((await other.post(csvPath, {}, { csrfFrom: '/console/users/csv-user' })).statusCode).toBe(404);

    const csv = await browser.post(csvPath, {}, { csrfFrom: '/console/users/csv-user' });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="csv-user_accessKeys.csv"');
    expect(csv.body).toBe(`Access key ID,Secret access key\r\n${key.accessKeyId},${key.secretAccessKey}\r\n`);
    const again = await browser.post(csvPath, {}, { csrfFrom: '/console/users/csv-user' });
    expect(again.statusCode).toBe(404);
    expect(again.body).not.toContain(key.secretAccessKey);
    expect((await browser.get('/console/users/csv-user')).body).not.toContain(key.secretAccessKey);
  });

  it('walks through a rotation, highlighting the next step, and explains the two-key limit', async () => {
    await makeUser(t.deps, account.id, 'rot');
    const browser = await rootBrowser();
    const card = async () => {
      const body = (await browser.get('/console/users/rot')).body;
      return /<section class="card" id="access-keys"[\s\S]*?<\/section>/.exec(body)![0];
    };
    const current = (html: string) => /<li class="current" aria-current="step">([^<]+)/.exec(html)?.[1];
    const create = () => browser.post('/console/users/rot/access-keys', {}, { csrfFrom: '/console/users/rot' });

    const old = secretOf((await create()).body);
    let html = await card();
    expect(current(html)).toBe('Create a second access key.');
    expect(html).toContain('<button type="submit" class="">Create access key</button>');

    t.clock.advance(60_000);
    const fresh = secretOf((await create()).body);
    html = await card();
    expect(current(html)).toBe('Put the new key in your programs and check they work: its Last used fills in.');
    expect(html).toContain('the most anyone may have (active or inactive, as in AWS)');
    expect(html).not.toContain('Create access key</button>');
    const third = await create();
    expect(third.statusCode).toBe(409);
    expect(third.body).toContain('Cannot exceed quota for AccessKeysPerUser: 2');

    await noteAccessKeyUse(t.deps, (await findAccessKey(t.deps.db, fresh.accessKeyId))!, 'iam', 'us-east-1');
    html = await card();
    expect(current(html)).toBe('Deactivate the old key. Anything still using it fails, and you can activate it again.');
    expect(html).toContain(
      `<button type="submit" class="">Deactivate<span class="visually-hidden"> ${old.accessKeyId}</span>`,
    );
    expect(html).toContain(
      `<button type="submit" class="secondary">Deactivate<span class="visually-hidden"> ${fresh.accessKeyId}</span>`,
    );

    await browser.post(
      `/console/users/rot/access-keys/${old.accessKeyId}/status`,
      { status: 'Inactive' },
      {
        csrfFrom: '/console/users/rot',
      },
    );
    html = await card();
    expect(current(html)).toBe('Delete the old key once nothing broke.');
    expect(html).toContain(
      `<button type="submit" class="danger">Delete<span class="visually-hidden"> ${old.accessKeyId}</span>`,
    );
    expect(html).toContain(`<form method="get" action="/console/users/rot/access-keys/${old.accessKeyId}/delete"`);

    const confirm = await browser.get(`/console/users/rot/access-keys/${old.accessKeyId}/delete`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain(`<h1>Delete access key ${old.accessKeyId}?</h1>`);
    expect(confirm.body).toContain('and was never used.');
    expect(confirm.body).toContain(
      `<form method="post" action="/console/users/rot/access-keys/${old.accessKeyId}/delete">`,
    );
    expect((await browser.get(`/console/users/lee/access-keys/${old.accessKeyId}/delete`)).statusCode).toBe(404);
    const deleted = await browser.post(
      `/console/users/rot/access-keys/${old.accessKeyId}/delete`,
      {},
      {
        csrfFrom: `/console/users/rot/access-keys/${old.accessKeyId}/delete`,
      },
    );
    expect(deleted.headers.location).toBe('/console/users/rot#access-keys');
    html = await card();
    expect(current(html)).toBe('Create a second access key.');
    expect(html).toContain(`Rotate ${fresh.accessKeyId}`);
  });

  it('offers an IAM user its own key rotation on Security credentials when a policy allows it', async () => {
    await makeUser(t.deps, account.id, 'selfie');
    await setUserPolicy(t, account.id, 'selfie', 'own-keys', [...MANAGE_OWN_CREDENTIALS]);
    const selfie = await signInUser(t, account.id, 'selfie');
    const created = await selfie.post(
      '/console/security-credentials/access-keys',
      {},
      {
        csrfFrom: '/console/security-credentials',
      },
    );
    expect(created.statusCode).toBe(201);
    const key = secretOf(created.body);
    const csvPath = `/console/security-credentials/access-keys/${key.accessKeyId}/csv`;
    const csv = await selfie.post(csvPath, {}, { csrfFrom: '/console/security-credentials' });
    expect(csv.body).toContain(key.secretAccessKey);
    expect(csv.headers['content-disposition']).toBe('attachment; filename="selfie_accessKeys.csv"');
    const page = await selfie.get('/console/security-credentials');
    expect(page.body).toContain(`Rotate ${key.accessKeyId}`);
    expect(page.body).toContain(`action="/console/security-credentials/access-keys/${key.accessKeyId}/delete"`);
    const confirm = await selfie.get(`/console/security-credentials/access-keys/${key.accessKeyId}/delete`);
    expect(confirm.statusCode).toBe(200);
    expect(confirm.body).toContain('href="/console/security-credentials#access-keys" class="cancel"');
  });
});
