import type { Db } from '../db/database.ts';

export interface Tag {
  key: string;
  value: string;
}

/** A user's tags, in the order their keys were first given (tags older than that order: by key). */
export async function listUserTags(db: Db, userId: string): Promise<Tag[]> {
  const rows = await db
    .selectFrom('user_tags')
    .select(['tag_key', 'tag_value'])
    .where('user_id', '=', userId)
    .orderBy('position')
    .orderBy('tag_key_lower')
    .execute();
  return rows.map((r) => ({ key: r.tag_key, value: r.tag_value }));
}

/**
 * Adds tags. A key that matches one the user has (ignoring case) replaces its value and
 * spelling and keeps its place; a new key goes last.
 */
export async function putUserTags(db: Db, userId: string, tags: Tag[]): Promise<void> {
  for (const tag of tags) {
    const keyLower = tag.key.toLowerCase();
    const replaced = await db
      .updateTable('user_tags')
      .set({ tag_key: tag.key, tag_value: tag.value })
      .where('user_id', '=', userId)
      .where('tag_key_lower', '=', keyLower)
      .executeTakeFirst();
    if (Number(replaced.numUpdatedRows) > 0) continue;
    const last = await db
      .selectFrom('user_tags')
      .select((eb) => eb.fn.max('position').as('position'))
      .where('user_id', '=', userId)
      .executeTakeFirst();
    const position = last?.position === null || last?.position === undefined ? 0 : Number(last.position) + 1;
    await db
      .insertInto('user_tags')
      .values({ user_id: userId, tag_key: tag.key, tag_key_lower: keyLower, tag_value: tag.value, position })
      .execute();
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
