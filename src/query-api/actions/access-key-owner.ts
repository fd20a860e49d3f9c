import { type KeyOwner, resolveKeyOwner } from '../../access-keys/access-key.service.ts';
import type { ActionContext } from '../action.ts';
import { userOrCallerResource } from './shared.ts';

/** Whose keys an access-key Action works on: the named user, else the caller itself (the root user included). */
export async function keyOwnerOf(ctx: ActionContext, userName: string | undefined): Promise<KeyOwner> {
  const { principal } = ctx.caller;
  if (userName === undefined) {
    return principal.type === 'root'
      ? { accountId: principal.accountId, principalId: principal.accountId, userName: null }
      : { accountId: principal.accountId, principalId: principal.id, userName: principal.name };
  }
  return resolveKeyOwner(ctx.deps.db, principal.accountId, userName);
}

export const keyOwnerResource = userOrCallerResource;
