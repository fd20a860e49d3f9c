import type { Db } from '../db/database.ts';

export interface Tag {
  key: string;
  value: string;
}

/** A user's tags, ordered by key (ignoring case). */
export async function listUserTags(db: Db, userId: string): Promise<Tag[]> {
  const rows = await db.selectFrom('user_tags').select(['tag_key', 'tag_value']).where('user_id', '=', userId).orderBy('tag_key_lower').execute();
  return rows.map((r) => ({ key: r.tag_key, value: r.tag_value }));
}

/** Adds tags, replacing the value (and spelling) of keys that match ignoring case. */
export async function putUserTags(db: Db, userId: string, tags: Tag[]): Promise<void> {
  for (const tag of tags) {
    const keyLower = tag.key.toLowerCase();
    await db.deleteFrom('user_tags').where('user_id', '=', userId).where('tag_key_lower', '=', keyLower).execute();
    await db.insertInto('user_tags').values({ user_id: userId, tag_key: tag.key, tag_key_lower: keyLower, tag_value: tag.value }).execute();
  }
}

export async function removeUserTags(db: Db, userId: string, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await db
    .deleteFrom('user_tags')
    .where('user_id', '=', userId)
    .where(
      'tag_key_lower',
      'in',
      keys.map((k) => k.toLowerCase()),
    )
    .execute();
}

export async function countUserTags(db: Db, userId: string): Promise<number> {
  const row = await db
    .selectFrom('user_tags')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('user_id', '=', userId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
