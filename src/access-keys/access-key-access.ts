import {
  type AccessInput,
  type ResourceOf,
  mayUse,
  ownCredentials,
  param,
  permission,
} from '../authz/console-access.ts';
import type { ConsoleCaller } from '../authz/console-authorization.ts';
import { signedInPrincipal, userInUrl } from '../authz/console-resources.ts';
import type { Deps } from '../deps.ts';
import type { AccessKeyRecord } from './access-key.repository.ts';
import { type KeyOwner, listAccessKeys } from './access-key.service.ts';

/** The signed-in principal's own keys: the URL names no user. */
const ownKeys = (input: AccessInput) => param(input, 'name') === '';

/** Whose keys: the user the URL names, else the signed-in principal (as the API's UserName defaults to the caller). */
const keyOwner: ResourceOf = (input, who, deps) =>
  ownKeys(input) ? signedInPrincipal(input, who, deps) : userInUrl()(input, who, deps);

/** The Query API's permissions for the same changes, on the same resources. */
export const ACCESS_KEY_ACCESS = {
  create: ownCredentials(permission({ action: 'iam:CreateAccessKey', resource: keyOwner }), ownKeys),
  update: ownCredentials(permission({ action: 'iam:UpdateAccessKey', resource: keyOwner }), ownKeys),
  delete: ownCredentials(permission({ action: 'iam:DeleteAccessKey', resource: keyOwner }), ownKeys),
};

/** The signed-in principal as the owner of its own keys. */
export function ownKeyOwner(who: ConsoleCaller): KeyOwner {
  const { principal } = who;
  return {
    accountId: principal.accountId,
    principalId: principal.id,
    userName: principal.type === 'user' ? principal.name : null,
  };
}

/** An IAM user as the owner of its keys. */
export function userKeyOwner(who: ConsoleCaller, user: { id: string; name: string }): KeyOwner {
  return { accountId: who.principal.accountId, principalId: user.id, userName: user.name };
}

/** What an Access keys card shows: the keys, and which forms to offer (each the decision its handler makes). */
export interface AccessKeysView {
  keys: AccessKeyRecord[];
  mayCreate: boolean;
  mayUpdate: boolean;
  mayDelete: boolean;
}

async function accessKeysView(
  deps: Deps,
  who: ConsoleCaller,
  owner: KeyOwner,
  input: AccessInput,
): Promise<AccessKeysView> {
  const [keys, mayCreate, mayUpdate, mayDelete] = await Promise.all([
    listAccessKeys(deps, owner),
    mayUse(deps, who, ACCESS_KEY_ACCESS.create, input),
    mayUse(deps, who, ACCESS_KEY_ACCESS.update, input),
    mayUse(deps, who, ACCESS_KEY_ACCESS.delete, input),
  ]);
  return { keys, mayCreate, mayUpdate, mayDelete };
}

/** The signed-in principal's own keys (Security credentials). */
export async function loadOwnAccessKeys(deps: Deps, who: ConsoleCaller): Promise<AccessKeysView> {
  return accessKeysView(deps, who, ownKeyOwner(who), { params: {}, body: {} });
}

/** An IAM user's keys, for an administrator's view of the user. */
export async function loadUserAccessKeys(
  deps: Deps,
  who: ConsoleCaller,
  user: { id: string; name: string },
): Promise<AccessKeysView> {
  return accessKeysView(deps, who, userKeyOwner(who, user), { params: { name: user.name }, body: {} });
}
