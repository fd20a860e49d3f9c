import { type Principal, loadPrincipal } from '../../identities/principal.ts';
import { noSuchUser, requireUserByName } from '../../identities/user-lookup.ts';
import type { ActionContext } from '../action.ts';

/** Whose MFA devices an Action works on: the named IAM user, else the caller itself (the root user included). */
export async function mfaOwnerOf(ctx: ActionContext, userName: string | undefined): Promise<Principal> {
  const { principal } = ctx.caller;
  if (userName === undefined) return principal;
  const user = await requireUserByName(ctx.deps.db, principal.accountId, userName);
  const owner = await loadPrincipal(ctx.deps.db, principal.accountId, user.id);
  if (!owner) throw noSuchUser(userName);
  return owner;
}

/** `arn:aws:iam::<account>:mfa/<path><name>`: the resource a virtual device Action acts on. */
export function serialParam() {
  return { min: 9, max: 256, pattern: /^[\w+=/:,.@-]+$/, patternText: '[\\w+=/:,.@-]+', required: true as const };
}

export function codeParam() {
  return { min: 6, max: 6, pattern: /^\d+$/, patternText: '[\\d]+', required: true as const };
}
