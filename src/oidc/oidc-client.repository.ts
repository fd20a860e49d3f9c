import type { Selectable } from 'kysely';
import type { Db } from '../db/database.ts';
import type { OidcClientsTable } from '../db/schema.ts';

export interface OidcClientRecord {
  id: string;
  accountId: string;
  name: string;
  /** Null: a public client (PKCE, no secret). */
  secretSealed: string | null;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  firstParty: boolean;
  /** The scopes it may ask for; the provider refuses any other (`invalid_scope`). */
  allowedScopes: string[];
  createdAt: string;
  secretRotatedAt: string | null;
}

/** What an update may change. */
export type ClientSettings = Pick<
  OidcClientRecord,
  'name' | 'redirectUris' | 'postLogoutRedirectUris' | 'firstParty' | 'allowedScopes'
>;

function toClient(row: Selectable<OidcClientsTable>): OidcClientRecord {
  return {
    id: row.id,
    accountId: row.account_id,
    name: row.name,
    secretSealed: row.secret_sealed,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    postLogoutRedirectUris: JSON.parse(row.post_logout_redirect_uris) as string[],
    firstParty: Number(row.first_party) === 1,
    allowedScopes: row.allowed_scopes.split(' ').filter(Boolean),
    createdAt: row.created_at,
    secretRotatedAt: row.secret_rotated_at,
  };
}

export async function insertClient(db: Db, c: OidcClientRecord): Promise<void> {
  await db
    .insertInto('oidc_clients')
    .values({
      id: c.id,
      account_id: c.accountId,
      name: c.name,
      secret_sealed: c.secretSealed,
      redirect_uris: JSON.stringify(c.redirectUris),
      post_logout_redirect_uris: JSON.stringify(c.postLogoutRedirectUris),
      first_party: c.firstParty ? 1 : 0,
      allowed_scopes: c.allowedScopes.join(' '),
      created_at: c.createdAt,
      secret_rotated_at: c.secretRotatedAt,
    })
    .execute();
}

export async function findClient(db: Db, id: string): Promise<OidcClientRecord | null> {
  const row = await db.selectFrom('oidc_clients').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toClient(row) : null;
}

export async function listClients(db: Db, accountId: string): Promise<OidcClientRecord[]> {
  const rows = await db
    .selectFrom('oidc_clients')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(toClient);
}

export async function deleteClientRow(db: Db, accountId: string, id: string): Promise<boolean> {
  const result = await db
    .deleteFrom('oidc_clients')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function updateClientSettings(db: Db, id: string, c: ClientSettings): Promise<void> {
  await db
    .updateTable('oidc_clients')
    .set({
      name: c.name,
      redirect_uris: JSON.stringify(c.redirectUris),
      post_logout_redirect_uris: JSON.stringify(c.postLogoutRedirectUris),
      first_party: c.firstParty ? 1 : 0,
      allowed_scopes: c.allowedScopes.join(' '),
    })
    .where('id', '=', id)
    .execute();
}

export async function updateClientSecret(db: Db, id: string, secretSealed: string, at: string): Promise<void> {
  await db
    .updateTable('oidc_clients')
    .set({ secret_sealed: secretSealed, secret_rotated_at: at })
    .where('id', '=', id)
    .execute();
}

/** The scopes a principal agreed the client may read; null when never asked. */
export async function findConsent(db: Db, clientId: string, principalId: string): Promise<string[] | null> {
  const row = await db
    .selectFrom('oidc_consents')
    .select('scopes')
    .where('client_id', '=', clientId)
    .where('principal_id', '=', principalId)
    .executeTakeFirst();
  return row ? row.scopes.split(' ').filter(Boolean) : null;
}

export async function saveConsent(db: Db, clientId: string, principalId: string, scopes: string[], at: string) {
  const text = [...new Set(scopes)].sort().join(' ');
  await db
    .insertInto('oidc_consents')
    .values({ client_id: clientId, principal_id: principalId, scopes: text, created_at: at })
    .onConflict((oc) => oc.columns(['client_id', 'principal_id']).doUpdateSet({ scopes: text, created_at: at }))
    .execute();
}

/** What the claims say about a person beyond the principal: an email and whether it was verified. */
export async function emailOf(
  db: Db,
  accountId: string,
  principalId: string,
): Promise<{ email: string; verified: boolean } | null> {
  if (principalId === accountId) {
    const row = await db
      .selectFrom('root_users')
      .select(['email', 'email_verified'])
      .where('account_id', '=', accountId)
      .executeTakeFirst();
    return row ? { email: row.email, verified: Number(row.email_verified) === 1 } : null;
  }
  const row = await db
    .selectFrom('users')
    .select(['contact_email', 'contact_email_verified'])
    .where('id', '=', principalId)
    .executeTakeFirst();
  return row?.contact_email ? { email: row.contact_email, verified: Number(row.contact_email_verified) === 1 } : null;
}
