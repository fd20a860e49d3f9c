import type { Db } from '../db/database.ts';

/** A setting one instance recorded, or null. */
export async function readSetting(db: Db, name: string): Promise<string | null> {
  const row = await db.selectFrom('instance_settings').select('value').where('name', '=', name).executeTakeFirst();
  return row?.value ?? null;
}

/** Records a setting; the last writer wins. */
export async function writeSetting(db: Db, name: string, value: string, at: string): Promise<void> {
  await db
    .insertInto('instance_settings')
    .values({ name, value, updated_at: at })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_at: at }))
    .execute();
}
