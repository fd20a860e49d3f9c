import type { Db } from '../db/database.ts';
import { newRowId } from '../shared/ids.ts';

/** Keeps the hashes of a principal's past passwords, for the policy's reuse prevention. */
export async function rememberPassword(
  db: Db,
  principalId: string,
  passwordHash: string,
  createdAt: string,
): Promise<void> {
  await db
    .insertInto('password_history')
    .values({
      id: newRowId(new Date(createdAt)),
      principal_id: principalId,
      password_hash: passwordHash,
      created_at: createdAt,
    })
    .execute();
}

export async function recentPasswordHashes(db: Db, principalId: string, count: number): Promise<string[]> {
  if (count <= 0) return [];
  const rows = await db
    .selectFrom('password_history')
    .select('password_hash')
    .where('principal_id', '=', principalId)
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(count)
    .execute();
  return rows.map((r) => r.password_hash);
}

/** Drops a principal's remembered hashes (its user was deleted). */
export async function forgetPasswords(db: Db, principalId: string): Promise<void> {
  await db.deleteFrom('password_history').where('principal_id', '=', principalId).execute();
}
