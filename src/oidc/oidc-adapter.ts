import type { Deps } from '../deps.ts';
import { findClientById, openClientSecret } from './oidc-client.service.ts';
import {
  consumePayload,
  deletePayload,
  deletePayloadsOfGrant,
  findPayload,
  upsertPayload,
} from './oidc-storage.repository.ts';

type Payload = Record<string, unknown>;

/**
 * oidc-provider's storage on Kysely, one instance per model (`Session`, `AccessToken`, …).
 * Clients are not stored by the provider: `Client` reads the account's registered
 * applications (src/oidc/oidc-client.service.ts). Expiry is the provider's to check (it reads
 * `exp` in every payload); `expires_at` is for `gatehouse purge`.
 */
export class KyselyOidcAdapter {
  constructor(
    readonly deps: Deps,
    readonly kind: string,
  ) {}

  async upsert(id: string, payload: Payload, expiresIn: number | undefined): Promise<void> {
    const expiresAt =
      expiresIn === undefined ? null : new Date(this.deps.clock.now().getTime() + expiresIn * 1000).toISOString();
    const text = (key: string) => (typeof payload[key] === 'string' ? (payload[key] as string) : null);
    await upsertPayload(this.deps.db, {
      kind: this.kind,
      id,
      payload: JSON.stringify(payload),
      grantId: text('grantId'),
      userCode: text('userCode'),
      uid: text('uid'),
      expiresAt,
    });
  }

  async find(id: string): Promise<Payload | undefined> {
    if (this.kind === 'Client') return this.findClient(id);
    return this.read('id', id);
  }

  async findByUid(uid: string): Promise<Payload | undefined> {
    return this.read('uid', uid);
  }

  async findByUserCode(userCode: string): Promise<Payload | undefined> {
    return this.read('user_code', userCode);
  }

  async consume(id: string): Promise<void> {
    await consumePayload(this.deps.db, this.kind, id, this.deps.clock.now().toISOString());
  }

  async destroy(id: string): Promise<void> {
    await deletePayload(this.deps.db, this.kind, id);
  }

  async revokeByGrantId(grantId: string): Promise<void> {
    await deletePayloadsOfGrant(this.deps.db, grantId);
  }

  private async read(key: 'id' | 'uid' | 'user_code', value: string): Promise<Payload | undefined> {
    const found = await findPayload(this.deps.db, this.kind, key, value);
    if (!found) return undefined;
    const payload = JSON.parse(found.payload) as Payload;
    // The provider refuses a consumed code or refresh token (and revokes its grant: a replay).
    if (found.consumedAt !== null) payload.consumed = Math.floor(new Date(found.consumedAt).getTime() / 1000);
    return payload;
  }

  private async findClient(id: string): Promise<Payload | undefined> {
    const client = await findClientById(this.deps, id);
    if (!client) return undefined;
    const secret = openClientSecret(this.deps, client);
    return {
      client_id: client.id,
      client_name: client.name,
      ...(secret === null
        ? { token_endpoint_auth_method: 'none' }
        : { client_secret: secret, token_endpoint_auth_method: 'client_secret_basic' }),
      redirect_uris: client.redirectUris,
      post_logout_redirect_uris: client.postLogoutRedirectUris,
      // The provider refuses a request for any other scope it knows (invalid_scope).
      scope: client.allowedScopes.join(' '),
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      gatehouse_account_id: client.accountId,
      gatehouse_first_party: client.firstParty,
    };
  }
}
