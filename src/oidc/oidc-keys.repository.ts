import type { Db } from '../db/database.ts';
import { isUniqueViolation } from '../db/database.ts';

export interface SigningKeyRow {
  generation: number;
  kid: string;
  privateSealed: string;
  createdAt: string;
}

/** Every signing key, newest generation first. */
export async function listSigningKeys(db: Db): Promise<SigningKeyRow[]> {
  const rows = await db.selectFrom('oidc_signing_keys').selectAll().orderBy('generation', 'desc').execute();
  return rows.map((r) => ({
    generation: Number(r.generation),
    kid: r.id,
    privateSealed: r.private_sealed,
    createdAt: r.created_at,
  }));
}

/** Adds a key as `generation`; false when another instance took that generation first. */
export async function insertSigningKey(db: Db, key: SigningKeyRow): Promise<boolean> {
  try {
    await db
      .insertInto('oidc_signing_keys')
      .values({
        generation: key.generation,
        id: key.kid,
        private_sealed: key.privateSealed,
        created_at: key.createdAt,
      })
      .execute();
    return true;
  } catch (error) {
    if (isUniqueViolation(error)) return false;
    throw error;
  }
}

/** Removes every key older than the newest `keep` generations; returns how many went. */
export async function deleteOldSigningKeys(db: Db, keepFromGeneration: number): Promise<number> {
  const result = await db
    .deleteFrom('oidc_signing_keys')
    .where('generation', '<', keepFromGeneration)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
