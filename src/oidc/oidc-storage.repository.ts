import type { Db } from '../db/database.ts';

/** One record of the provider's, as its adapter reads and writes it. */
export interface StoredPayload {
  payload: string;
  consumedAt: string | null;
}

export interface PayloadRow {
  kind: string;
  id: string;
  payload: string;
  grantId: string | null;
  userCode: string | null;
  uid: string | null;
  expiresAt: string | null;
}

export async function upsertPayload(db: Db, row: PayloadRow): Promise<void> {
  const values = {
    kind: row.kind,
    id: row.id,
    payload: row.payload,
    grant_id: row.grantId,
    user_code: row.userCode,
    uid: row.uid,
    expires_at: row.expiresAt,
  };
  await db
    .insertInto('oidc_payloads')
    .values(values)
    .onConflict((oc) =>
      oc.columns(['kind', 'id']).doUpdateSet({
        payload: row.payload,
        grant_id: row.grantId,
        user_code: row.userCode,
        uid: row.uid,
        expires_at: row.expiresAt,
      }),
    )
    .execute();
}

type Key = 'id' | 'uid' | 'user_code';

export async function findPayload(db: Db, kind: string, key: Key, value: string): Promise<StoredPayload | null> {
  const row = await db
    .selectFrom('oidc_payloads')
    .select(['payload', 'consumed_at'])
    .where('kind', '=', kind)
    .where(key, '=', value)
    .executeTakeFirst();
  return row ? { payload: row.payload, consumedAt: row.consumed_at } : null;
}

export async function consumePayload(db: Db, kind: string, id: string, at: string): Promise<void> {
  await db
    .updateTable('oidc_payloads')
    .set({ consumed_at: at })
    .where('kind', '=', kind)
    .where('id', '=', id)
    .execute();
}

export async function deletePayload(db: Db, kind: string, id: string): Promise<void> {
  await db.deleteFrom('oidc_payloads').where('kind', '=', kind).where('id', '=', id).execute();
}

/** Every token and code of a grant (revoking one revokes them all). */
export async function deletePayloadsOfGrant(db: Db, grantId: string): Promise<void> {
  await db.deleteFrom('oidc_payloads').where('grant_id', '=', grantId).execute();
}

/** Records that expired before `before`; returns how many went. */
export async function deleteExpiredPayloads(db: Db, before: string): Promise<number> {
  const result = await db.deleteFrom('oidc_payloads').where('expires_at', '<=', before).executeTakeFirst();
  return Number(result.numDeletedRows);
}
