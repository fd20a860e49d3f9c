import type { Db } from '../db/database.ts';
import type { Tag } from '../user-tags/user-tag.repository.ts';

/** A customer managed policy's tags, in the order their keys were first given. */
export async function listPolicyTags(db: Db, policyId: string): Promise<Tag[]> {
  const rows = await db
    .selectFrom('managed_policy_tags')
    .select(['tag_key', 'tag_value'])
    .where('policy_id', '=', policyId)
    .orderBy('position')
    .execute();
  return rows.map((r) => ({ key: r.tag_key, value: r.tag_value }));
}

/** Adds tags: a key the policy has (exactly, case included) gets the new value in place; a new key goes last. */
export async function putPolicyTags(db: Db, policyId: string, tags: Tag[]): Promise<void> {
  for (const tag of tags) {
    const replaced = await db
      .updateTable('managed_policy_tags')
      .set({ tag_value: tag.value })
      .where('policy_id', '=', policyId)
      .where('tag_key', '=', tag.key)
      .executeTakeFirst();
    if (Number(replaced.numUpdatedRows) > 0) continue;
    const last = await db
      .selectFrom('managed_policy_tags')
      .select((eb) => eb.fn.max('position').as('position'))
      .where('policy_id', '=', policyId)
      .executeTakeFirst();
    const position = last?.position === null || last?.position === undefined ? 0 : Number(last.position) + 1;
    await db
      .insertInto('managed_policy_tags')
      .values({ policy_id: policyId, tag_key: tag.key, tag_value: tag.value, position })
      .execute();
  }
}

export async function removePolicyTags(db: Db, policyId: string, keys: string[]): Promise<void> {
  if (keys.length === 0) return;
  await db.deleteFrom('managed_policy_tags').where('policy_id', '=', policyId).where('tag_key', 'in', keys).execute();
}

export async function countPolicyTags(db: Db, policyId: string): Promise<number> {
  const row = await db
    .selectFrom('managed_policy_tags')
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .where('policy_id', '=', policyId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
