import { listPhoneMessagesOpened, queuePhoneCode } from '../mfa/phone-gateway.ts';
import { randomBytes } from 'node:crypto';
import { GetCallerIdentityCommand, GetSessionTokenCommand } from '@aws-sdk/client-sts';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { createVirtualDevice } from '../mfa/mfa.service.ts';
import { openTotpSecret } from '../mfa/totp.ts';
import { Keyring } from '../shared/keyring.ts';
import { PolicyCache } from '../policy-engine/compile.ts';
import { SessionCache } from '../caches/session-cache.ts';
import { PrincipalCache } from '../caches/principal-cache.ts';
import { AccountCache } from '../caches/account-cache.ts';
import type { DecisionBasis } from '../policy-engine/evaluate.ts';
import type { LoginProfileState } from '../identities/user.repository.ts';
import { SigningKeyCache } from '../sigv4/sigv4.ts';
import { type AwsCredentials, awsClients, expectAwsError, keyFor } from '../../test/support/aws-clients.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount } from '../../test/support/fixtures.ts';
import { TEST_SECRET_KEY, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { listen } from '../../test/support/listen.ts';
import { resealSecrets } from './reseal.service.ts';
import { loadSigningKeys } from '../oidc/oidc-keys.service.ts';
import { createClient, findClientById, openClientSecret } from '../oidc/oidc-client.service.ts';
import { listOutboxMail } from '../mail/outbox.service.ts';

describe.each(DIALECTS)('rotating SECRET_KEY on %s', (dialect) => {
  let t: TestContext;
  const apps: FastifyInstance[] = [];
  beforeAll(async () => {
    t = await createTestContext(dialect);
  });
  afterAll(async () => {
    for (const app of apps) await app.close();
    await t.close();
  });

  /** The same database served with another SECRET_KEY, as after a restart with new settings (so nothing cached either). */
  async function serveWith(keyring: Keyring): Promise<string> {
    const caches = {
      policies: new PolicyCache(),
      signingKeys: new SigningKeyCache(),
      sessions: new SessionCache(t.deps.invalidations),
      decisionBases: new PrincipalCache<DecisionBasis>(t.deps.invalidations),
      loginProfiles: new PrincipalCache<LoginProfileState | null>(t.deps.invalidations),
      accounts: new AccountCache(t.deps.invalidations),
      issuerKeys: t.deps.caches.issuerKeys,
    };
    const app = await buildApp(t.config, { ...t.deps, keyring, caches }, { logger: false });
    apps.push(app);
    return listen(app);
  }

  const callerArn = async (endpoint: string, credentials: AwsCredentials) =>
    (await awsClients(t, endpoint, credentials).sts.send(new GetCallerIdentityCommand({}))).Arn;

  it('keeps every secret working through a rotation, and the old key can then be dropped', async () => {
    const account = await makeAccount(t.deps);
    const oldKey = TEST_SECRET_KEY;
    const key = await keyFor(t, { accountId: account.id, principalId: account.id, userName: null });
    const before = await listen(t.app);
    const temporary = (await awsClients(t, before, key).sts.send(new GetSessionTokenCommand({}))).Credentials!;
    const session = {
      accessKeyId: temporary.AccessKeyId!,
      secretAccessKey: temporary.SecretAccessKey!,
      sessionToken: temporary.SessionToken!,
    };
    const mfaDeps = t.deps;
    const { device, secret } = await createVirtualDevice(
      mfaDeps,
      account.id,
      { name: 'rotated-phone' },
      CLI_ACTOR,
      SYSTEM_META,
    );
    const phone = `+1555${account.id.slice(-7)}`;
    await t.deps.db.transaction().execute((tx) =>
      queuePhoneCode(tx, t.deps, {
        accountId: account.id,
        to: phone,
        channel: 'sms',
        code: '424242',
        purpose: 'confirm this phone',
      }),
    );
    const phoneCode = async (keyring: Keyring) =>
      (await listPhoneMessagesOpened({ db: t.deps.db, keyring }, { recipient: phone, limit: 1 }))[0]!.body;

    // The OpenID Connect provider's signing key and a client's secret.
    const [signingKey] = await loadSigningKeys(t.deps);
    const { client, clientSecret } = await createClient(
      t.deps,
      account.id,
      { name: 'Wiki', redirectUris: ['https://wiki.example/callback'] },
      CLI_ACTOR,
      SYSTEM_META,
    );

    // The new key, with the old one declared previous: everything still opens.
    const newKey = randomBytes(32);
    const rotating = new Keyring(newKey, [oldKey]);
    const during = await serveWith(rotating);
    expect(await callerArn(during, key)).toBe(`arn:aws:iam::${account.id}:root`);
    expect(await callerArn(during, session)).toBe(`arn:aws:iam::${account.id}:root`);

    // Mail bodies too: the welcome mail, sealed under the old key, opens under the new one with the old one previous.
    const welcome = async (keyring: Keyring) =>
      (await listOutboxMail({ db: t.deps.db, keyring }, { limit: 5, recipient: account.email }))[0]!;
    expect((await welcome(rotating)).text).toContain('/verify-email?token=');

    const resealed = await resealSecrets({ db: t.deps.db, keyring: rotating });
    expect(resealed.accessKeys).toMatchObject({ resealed: 1, unreadable: 0 });
    expect(resealed.temporaryCredentials).toMatchObject({ resealed: 1, unreadable: 0 });
    expect(resealed.totpDevices).toMatchObject({ resealed: 1, unreadable: 0 });
    // Text and HTML of the one queued message.
    expect(resealed.mailBodies).toMatchObject({ resealed: 2, unreadable: 0 });
    expect(resealed.phoneBodies).toMatchObject({ resealed: 1, unreadable: 0 });
    expect(resealed.oidcClientSecrets).toMatchObject({ resealed: 1, unreadable: 0 });
    expect(resealed.oidcSigningKeys).toMatchObject({ resealed: 1, unreadable: 0 });
    expect(await resealSecrets({ db: t.deps.db, keyring: rotating })).toEqual({
      accessKeys: { current: 1, resealed: 0, unreadable: 0 },
      temporaryCredentials: { current: 1, resealed: 0, unreadable: 0 },
      totpDevices: { current: 1, resealed: 0, unreadable: 0 },
      mailBodies: { current: 2, resealed: 0, unreadable: 0 },
      phoneBodies: { current: 1, resealed: 0, unreadable: 0 },
      oidcClientSecrets: { current: 1, resealed: 0, unreadable: 0 },
      oidcSigningKeys: { current: 1, resealed: 0, unreadable: 0 },
    });

    // The new key alone (SECRET_KEY_PREVIOUS removed): still everything.
    const newKeyAlone = new Keyring(Buffer.from(newKey));
    const after = await serveWith(newKeyAlone);
    expect(await callerArn(after, key)).toBe(`arn:aws:iam::${account.id}:root`);
    expect(await callerArn(after, session)).toBe(`arn:aws:iam::${account.id}:root`);
    const sealed = await t.deps.db
      .selectFrom('mfa_devices')
      .select('totp_secret_sealed')
      .where('id', '=', device.id)
      .executeTakeFirstOrThrow();
    expect(openTotpSecret(newKeyAlone, device.id, sealed.totp_secret_sealed!)).toBe(secret);
    expect((await welcome(newKeyAlone)).text).toContain('/verify-email?token=');
    expect(await phoneCode(newKeyAlone)).toContain('424242');
    expect((await loadSigningKeys({ ...t.deps, keyring: newKeyAlone }))[0]).toEqual(signingKey);
    const found = (await findClientById(t.deps, client.clientId))!;
    expect(openClientSecret({ ...t.deps, keyring: newKeyAlone }, found)).toBe(clientSecret);
    // And the old key no longer opens anything.
    expect(openTotpSecret(new Keyring(Buffer.from(oldKey)), device.id, sealed.totp_secret_sealed!)).toBeNull();
    expect((await welcome(new Keyring(Buffer.from(oldKey)))).body).toBe('unreadable');
    expect(await phoneCode(new Keyring(Buffer.from(oldKey)))).toBeNull();
    await expectAwsError(
      awsClients(t, await serveWith(new Keyring(Buffer.from(oldKey))), key).sts.send(new GetCallerIdentityCommand({})),
      'InvalidClientTokenId',
      403,
    );
  });

  it('seals mail bodies queued before bodies were sealed', async () => {
    const account = await makeAccount(t.deps);
    const [queued] = await listOutboxMail(t.deps, { limit: 1, recipient: account.email });
    // As a message queued by an earlier version stored it.
    await t.deps.db
      .updateTable('mail_outbox')
      .set({ text_body: queued!.text, html_body: queued!.html })
      .where('id', '=', queued!.id)
      .execute();
    expect((await listOutboxMail(t.deps, { limit: 1, recipient: account.email }))[0]!.text).toBe(queued!.text);
    // (The first test's mail, resealed under its new key, is unreadable here.)
    expect((await resealSecrets(t.deps)).mailBodies).toMatchObject({ resealed: 2 });
    const row = await t.deps.db
      .selectFrom('mail_outbox')
      .select(['text_body', 'html_body'])
      .where('id', '=', queued!.id)
      .executeTakeFirstOrThrow();
    expect(row.text_body).not.toContain('/verify-email');
    expect(row.html_body).not.toContain('/verify-email');
    expect((await listOutboxMail(t.deps, { limit: 1, recipient: account.email }))[0]!.text).toBe(queued!.text);
  });

  it('reports secrets no given key opens, and leaves them as they are', async () => {
    const stranger = randomBytes(32);
    const rows = async () =>
      await t.deps.db.selectFrom('access_keys').select(['id', 'secret_sealed']).orderBy('id').execute();
    const unchanged = await rows();
    const report = await resealSecrets({ db: t.deps.db, keyring: new Keyring(stranger) });
    expect(report.accessKeys.unreadable).toBeGreaterThan(0);
    expect(report.accessKeys.resealed).toBe(0);
    expect(await rows()).toEqual(unchanged);
  });
});
