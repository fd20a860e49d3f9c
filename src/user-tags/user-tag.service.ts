import { requireUserByName } from '../identities/user-lookup.ts';
import { type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import type { Db } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError } from '../shared/errors.ts';
import { type Tag, countUserTags, listUserTags, putUserTags, removeUserTags } from './user-tag.repository.ts';

export type { Tag } from './user-tag.repository.ts';

/** AWS's limit on tags per IAM user. */
export const MAX_TAGS_PER_USER = 50;

/** Refuses a tag list that names a key twice (keys compare ignoring case, as AWS). */
export function assertDistinctTagKeys(tags: Tag[]): void {
  const keys = new Set(tags.map((t) => t.key.toLowerCase()));
  if (keys.size !== tags.length) {
    throw new GatehouseError(
      'InvalidInput',
      'Duplicate tag keys found. Please note that Tag keys are case insensitive.',
    );
  }
}

/** Adds or replaces tags inside the caller's transaction; LimitExceeded beyond 50 per user. */
export async function applyUserTags(db: Db, userId: string, tags: Tag[]): Promise<void> {
  assertDistinctTagKeys(tags);
  await putUserTags(db, userId, tags);
  if ((await countUserTags(db, userId)) > MAX_TAGS_PER_USER) {
    throw new GatehouseError('LimitExceeded', `Cannot exceed quota for TagsPerUser: ${MAX_TAGS_PER_USER}`);
  }
}

export async function tagUser(
  deps: Deps,
  accountId: string,
  userName: string,
  tags: Tag[],
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const user = await requireUserByName(tx, accountId, userName);
    await applyUserTags(tx, user.id, tags);
    await deps.invalidations.record(tx, { topic: 'principal', key: user.id });
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: 'TagUser',
      target: { id: user.id, name: user.name },
      details: { tagKeys: tags.map((t) => t.key) },
    });
  });
}

export async function untagUser(
  deps: Deps,
  accountId: string,
  userName: string,
  keys: string[],
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const user = await requireUserByName(tx, accountId, userName);
    await removeUserTags(tx, user.id, keys);
    await deps.invalidations.record(tx, { topic: 'principal', key: user.id });
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: 'UntagUser',
      target: { id: user.id, name: user.name },
      details: { tagKeys: keys },
    });
  });
}

export async function tagsOfUser(deps: Deps, accountId: string, userName: string): Promise<Tag[]> {
  const user = await requireUserByName(deps.db, accountId, userName);
  return listUserTags(deps.db, user.id);
}
