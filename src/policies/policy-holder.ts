import { requireUserByName } from '../identities/user-lookup.ts';
import type { Db } from '../db/database.ts';
import { findGroupByName } from '../identities/group.repository.ts';
import { noSuchGroup } from '../identities/group-lookup.ts';
import type { PolicyHolderType } from './attachment.repository.ts';
import { requireRoleByName } from '../identities/role-lookup.ts';
import type { Invalidation } from '../caches/invalidation-feed.ts';

/** `Attach` + role + `Policy` → `AttachRolePolicy`: the Query API's and the audit trail's names. */
export function holderEvent(verb: string, type: PolicyHolderType, noun: string): string {
  return `${verb}${type[0]!.toUpperCase()}${type.slice(1)}${noun}`;
}

/** A user, group or role that policies are attached to or embedded in. */
export interface PolicyHolder {
  type: PolicyHolderType;
  id: string;
  name: string;
}

/** The named user or group of the account; NoSuchEntity with AWS's message when there is none. */
export async function findPolicyHolder(
  db: Db,
  accountId: string,
  type: PolicyHolderType,
  name: string,
): Promise<PolicyHolder> {
  if (type === 'user') {
    const user = await requireUserByName(db, accountId, name);
    return { type, id: user.id, name: user.name };
  }
  if (type === 'role') {
    const role = await requireRoleByName(db, accountId, name);
    return { type, id: role.id, name: role.name };
  }
  const group = await findGroupByName(db, accountId, name);
  if (!group) throw noSuchGroup(name);
  return { type, id: group.id, name: group.name };
}

/**
 * What a change to a holder's policies invalidates: a user's own decisions, or those of every
 * principal of the account when a group's change (cached decisions do not say who is in which group).
 */
export function decisionsOf(accountId: string, holder: PolicyHolder): Invalidation {
  return holder.type === 'group' ? { topic: 'account', key: accountId } : { topic: 'principal', key: holder.id };
}
