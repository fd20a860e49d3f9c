import type { Db } from '../db/database.ts';
import { isUniqueViolation } from '../db/database.ts';

export interface OpenIdProviderRecord {
  accountId: string;
  /** `host/path`: the URL without its scheme. */
  name: string;
  /** What tokens' `iss` must equal. */
  issuer: string;
  /** Sorted. */
  clientIds: string[];
  thumbprints: string[];
  tags: { key: string; value: string }[];
  createdAt: string;
}

export async function findOpenIdProvider(
  db: Db,
  accountId: string,
  name: string,
): Promise<OpenIdProviderRecord | null> {
  const row = await db
    .selectFrom('oidc_providers')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('url', '=', name)
    .executeTakeFirst();
  if (!row) return null;
  const clientIds = await db
    .selectFrom('oidc_provider_client_ids')
    .select('client_id')
    .where('account_id', '=', accountId)
    .where('url', '=', name)
    .orderBy('client_id')
    .execute();
  return {
    accountId: row.account_id,
    name: row.url,
    issuer: row.issuer,
    clientIds: clientIds.map((c) => c.client_id),
    thumbprints: JSON.parse(row.thumbprints) as string[],
    tags: JSON.parse(row.tags) as { key: string; value: string }[],
    createdAt: row.created_at,
  };
}

/** Whether the account has a provider under `name` (its row only, not its client IDs). */
export async function hasOpenIdProvider(db: Db, accountId: string, name: string): Promise<boolean> {
  const row = await db
    .selectFrom('oidc_providers')
    .select('url')
    .where('account_id', '=', accountId)
    .where('url', '=', name)
    .executeTakeFirst();
  return row !== undefined;
}

/** The account's providers' names (`host/path`), in order. */
export async function listOpenIdProviderNames(db: Db, accountId: string): Promise<string[]> {
  const rows = await db
    .selectFrom('oidc_providers')
    .select('url')
    .where('account_id', '=', accountId)
    .orderBy('url')
    .execute();
  return rows.map((r) => r.url);
}

export async function countOpenIdProviders(db: Db, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('oidc_providers')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('account_id', '=', accountId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Adds a provider with its client IDs; false when the account has one under that URL already. */
export async function insertOpenIdProvider(db: Db, provider: OpenIdProviderRecord): Promise<boolean> {
  try {
    await db
      .insertInto('oidc_providers')
      .values({
        account_id: provider.accountId,
        url: provider.name,
        issuer: provider.issuer,
        thumbprints: JSON.stringify(provider.thumbprints),
        tags: JSON.stringify(provider.tags),
        created_at: provider.createdAt,
      })
      .execute();
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
  for (const clientId of provider.clientIds) await insertClientId(db, provider.accountId, provider.name, clientId);
  return true;
}

/** Adds a client ID; nothing happens when the provider has it already. */
export async function insertClientId(db: Db, accountId: string, name: string, clientId: string): Promise<void> {
  await db
    .insertInto('oidc_provider_client_ids')
    .values({ account_id: accountId, url: name, client_id: clientId })
    .onConflict((oc) => oc.doNothing())
    .execute();
}

export async function deleteClientId(db: Db, accountId: string, name: string, clientId: string): Promise<void> {
  await db
    .deleteFrom('oidc_provider_client_ids')
    .where('account_id', '=', accountId)
    .where('url', '=', name)
    .where('client_id', '=', clientId)
    .execute();
}

export async function countClientIds(db: Db, accountId: string, name: string): Promise<number> {
  const row = await db
    .selectFrom('oidc_provider_client_ids')
    .select((eb) => eb.fn.countAll().as('n'))
    .where('account_id', '=', accountId)
    .where('url', '=', name)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Replaces the thumbprints. */
export async function setThumbprints(db: Db, accountId: string, name: string, thumbprints: string[]): Promise<void> {
  await db
    .updateTable('oidc_providers')
    .set({ thumbprints: JSON.stringify(thumbprints) })
    .where('account_id', '=', accountId)
    .where('url', '=', name)
    .execute();
}

/** Deletes a provider and its client IDs. */
export async function deleteOpenIdProvider(db: Db, accountId: string, name: string): Promise<void> {
  await db.deleteFrom('oidc_provider_client_ids').where('account_id', '=', accountId).where('url', '=', name).execute();
  await db.deleteFrom('oidc_providers').where('account_id', '=', accountId).where('url', '=', name).execute();
}
