import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients } from '../../test/support/aws-clients.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, USER_PASSWORD, makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { listen } from '../../test/support/listen.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { listAccessKeysOf } from './access-key.repository.ts';

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
});
