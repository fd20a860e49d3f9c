import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as client from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../app.ts';
import { purgeExpired } from '../maintenance/purge.service.ts';
import { gatehouse } from '../../test/support/cli.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount } from '../../test/support/fixtures.ts';
import { cliEnv, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { freePort } from '../../test/support/listen.ts';
import { registerTestClient } from '../../test/support/oidc-clients.ts';
import { KyselyOidcAdapter } from './oidc-adapter.ts';
import { getClient } from './oidc-client.service.ts';
import { loadSigningKeys } from './oidc-keys.service.ts';

describe.each(DIALECTS)('OpenID Connect clients, keys and records on %s', { timeout: 120_000 }, (dialect) => {
  let t: TestContext;
  let dir: string;
  let base: string;
  let account: Awaited<ReturnType<typeof makeAccount>>;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-oidc-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    t = await createTestContext(dialect, { PUBLIC_URL: base }, { sqliteFile: join(dir, 'g.db') });
    t.clock.set(new Date());
    await t.app.listen({ host: '127.0.0.1', port });
    account = await makeAccount(t.deps, { alias: `keys-${dialect}` });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates a client with the CLI (secret shown once, sealed at rest), lists, rotates its secret and deletes it', async () => {
    const created = await gatehouse(
      [
        'oidc-client',
        'create',
        '--account',
        `keys-${dialect}`,
        '--name',
        'Grafana',
        '--redirect-uri',
        'https://grafana.example/login/generic_oauth',
        '--first-party',
        '--json',
      ],
      cliEnv(t),
    );
    expect(created.stderr).toBe('');
    const shown = JSON.parse(created.stdout) as {
      clientId: string;
      clientSecret: string;
      arn: string;
      allowedScopes: string[];
    };
    // Without --scope the client may ask for every scope.
    expect(shown.allowedScopes).toEqual(['openid', 'offline_access', 'profile', 'email', 'groups']);
    expect(shown.arn).toBe(`arn:aws:gatehouse::${account.id}:oidc-client/${shown.clientId}`);
    expect(shown.clientSecret).toMatch(/^[a-z2-7]{52}$/);
    const row = await t.deps.db
      .selectFrom('oidc_clients')
      .selectAll()
      .where('id', '=', shown.clientId)
      .executeTakeFirstOrThrow();
    expect(row.secret_sealed).not.toContain(shown.clientSecret);

    // The secret works at the token endpoint (a refresh token it never issued is refused as a grant, not as a client).
    const config = await client.discovery(
      new URL(`${base}/oidc`),
      shown.clientId,
      undefined,
      client.ClientSecretBasic(shown.clientSecret),
      { execute: [client.allowInsecureRequests] },
    );
    await expect(client.refreshTokenGrant(config, 'unknown')).rejects.toMatchObject({ error: 'invalid_grant' });

    const list = await gatehouse(['oidc-client', 'list', '--account', account.id, '--json'], cliEnv(t));
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({ clientId: shown.clientId, name: 'Grafana', public: false, firstParty: true }),
    ]);
    expect(list.stdout).not.toContain(shown.clientSecret);

    const rotated = await gatehouse(
      ['oidc-client', 'rotate-secret', '--account', account.id, '--client-id', shown.clientId, '--json'],
      cliEnv(t),
    );
    const secret = (JSON.parse(rotated.stdout) as { clientSecret: string }).clientSecret;
    expect(secret).not.toBe(shown.clientSecret);
    // The old secret no longer authenticates the client: HTTP 401 with a challenge.
    await expect(client.refreshTokenGrant(config, 'unknown')).rejects.toBeInstanceOf(
      client.WWWAuthenticateChallengeError,
    );

    const deleted = await gatehouse(
      ['oidc-client', 'delete', '--account', account.id, '--client-id', shown.clientId, '--json'],
      cliEnv(t),
    );
    expect(deleted.code).toBe(0);
    const none = await gatehouse(['oidc-client', 'list', '--account', account.id, '--json'], cliEnv(t));
    expect(JSON.parse(none.stdout)).toEqual([]);
  });

  it('refuses a client of an unknown account and a redirect URI that is not a URL', async () => {
    const bad = await gatehouse(
      ['oidc-client', 'create', '--account', account.id, '--name', 'X', '--redirect-uri', 'not a url', '--json'],
      cliEnv(t),
    );
    expect(bad.code).not.toBe(0);
    expect(bad.stdout + bad.stderr).toContain('not an absolute URL');
  });

  it('shows and updates a client with the CLI: only what is given changes, with the same rules as create', async () => {
    const { client: made, clientSecret } = await registerTestClient(t, account.id, 'Outline', { firstParty: true });
    const update = (...flags: string[]) =>
      gatehouse(['oidc-client', 'update', '--account', account.id, '--client-id', made.clientId, ...flags], cliEnv(t));

    const updated = await update(
      '--redirect-uri',
      'https://outline.example/auth/oidc.callback',
      '--redirect-uri',
      'http://127.0.0.1:3000/cb',
      '--scope',
      'email',
      '--no-first-party',
      '--json',
    );
    expect(updated.stderr).toBe('');
    const expected = {
      clientId: made.clientId,
      name: 'Outline',
      public: false,
      firstParty: false,
      redirectUris: ['https://outline.example/auth/oidc.callback', 'http://127.0.0.1:3000/cb'],
      postLogoutRedirectUris: [],
      allowedScopes: ['openid', 'email'],
      arn: made.arn,
    };
    expect(JSON.parse(updated.stdout)).toMatchObject(expected);
    const shown = await gatehouse(
      ['oidc-client', 'show', '--account', `keys-${dialect}`, '--client-id', made.clientId, '--json'],
      cliEnv(t),
    );
    expect(JSON.parse(shown.stdout)).toMatchObject(expected);
    expect(shown.stdout).not.toContain(clientSecret);

    const plainHttp = await update('--redirect-uri', 'http://outline.example/cb');
    expect(plainHttp.code).not.toBe(0);
    expect(plainHttp.stderr).toContain(
      'http://outline.example/cb must use https: plain http is only for localhost, 127.0.0.1 or [::1].',
    );
    const unknownScope = await update('--scope', 'admin');
    expect(unknownScope.code).not.toBe(0);
    expect(unknownScope.stderr).toContain('admin is not a scope Gatehouse offers');
    expect((await getClient(t.deps, account.id, made.clientId)).allowedScopes).toEqual(['openid', 'email']);

    const scoped = await gatehouse(
      [
        'oidc-client',
        'create',
        '--account',
        account.id,
        '--name',
        'Scoped',
        '--redirect-uri',
        'https://scoped.example/cb',
        '--scope',
        'groups',
        '--json',
      ],
      cliEnv(t),
    );
    expect(scoped.stderr).toBe('');
    expect(JSON.parse(scoped.stdout)).toMatchObject({ name: 'Scoped', allowedScopes: ['openid', 'groups'] });
  });

  it('keeps the signing keys sealed in the database; a rotation adds a key that signs while the old one stays published', async () => {
    const before = await loadSigningKeys(t.deps);
    const sealed = await t.deps.db.selectFrom('oidc_signing_keys').selectAll().execute();
    expect(sealed.length).toBe(before.length);
    expect(sealed.length).toBeGreaterThan(0);
    for (const row of sealed) expect(row.private_sealed).not.toContain('"d"');

    const rotated = await gatehouse(['oidc-keys', 'rotate', '--json'], cliEnv(t));
    const added = JSON.parse(rotated.stdout) as { kid: string; generation: number };
    expect(added.generation).toBe(before.length + 1);

    // Another instance started after the rotation publishes both keys, the new one first.
    const second = await buildApp(t.config, t.deps, { logger: false });
    const jwks = JSON.parse((await second.inject({ method: 'GET', url: '/oidc/jwks' })).body) as {
      keys: { kid: string }[];
    };
    await second.close();
    expect(jwks.keys.map((k) => k.kid)).toEqual([added.kid, before[0]!.kid]);
  });

  it('purges the provider records that expired, and keeps the others', async () => {
    const sessions = new KyselyOidcAdapter(t.deps, 'Session');
    await sessions.upsert('gone', { jti: 'gone' }, 60);
    await sessions.upsert('kept', { jti: 'kept' }, 3600);
    t.clock.advance(120_000);
    const report = await purgeExpired(t.deps);
    expect(report.oidcRecords).toBeGreaterThanOrEqual(1);
    expect(await sessions.find('gone')).toBeUndefined();
    expect(await sessions.find('kept')).toEqual({ jti: 'kept' });
  });
});
