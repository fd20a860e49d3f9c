import { sql } from 'kysely';
import type { Db } from '../db/database.ts';

/** Where sealed secrets live; each is sealed with its row's `id` as associated data. */
export const SEALED_COLUMNS = {
  accessKeys: { table: 'access_keys', column: 'secret_sealed', purpose: 'access-key-secret' },
  temporaryCredentials: { table: 'session_credentials', column: 'secret_sealed', purpose: 'access-key-secret' },
  totpDevices: { table: 'mfa_devices', column: 'totp_secret_sealed', purpose: 'mfa-totp-secret' },
} as const;

export type SealedKind = keyof typeof SEALED_COLUMNS;

/** The next rows (by id) holding a sealed secret of `kind`. */
export async function sealedPage(db: Db, kind: SealedKind, afterId: string, limit: number): Promise<Array<{ id: string; sealed: string }>> {
  const { table, column } = SEALED_COLUMNS[kind];
  const result = await sql<{ id: string; sealed: string }>`select id, ${sql.ref(column)} as sealed from ${sql.table(table)}
    where ${sql.ref(column)} is not null and id > ${afterId} order by id limit ${limit}`.execute(db);
  return result.rows;
}

/** Replaces one sealed value, unless the row changed meanwhile (then false). */
export async function replaceSealed(db: Db, kind: SealedKind, id: string, old: string, sealed: string): Promise<boolean> {
  const { table, column } = SEALED_COLUMNS[kind];
  const result = await sql`update ${sql.table(table)} set ${sql.ref(column)} = ${sealed} where id = ${id} and ${sql.ref(column)} = ${old}`.execute(db);
  return Number(result.numAffectedRows ?? 0) === 1;
}
