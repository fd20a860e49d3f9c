import type { Db } from '../db/database.ts';
import { accountIdExists } from '../identities/account.repository.ts';
import { userArn } from '../identities/principal.ts';
import {
  type NamedPrincipal,
  type RoleRecord,
  existingPrincipalIds,
  findRoleByName,
  principalsByIds,
  roleArn,
} from '../identities/role.repository.ts';
import { findUserByName } from '../identities/user.repository.ts';
import {
  type PolicyDocument,
  formatPolicyDocument,
  parsePolicyDocument,
  policySize,
} from '../policy-engine/document.ts';
import { displayTrustPolicy } from '../policy-engine/trust.ts';
import {
  invalidPrincipalMessage,
  namedAwsPrincipals,
  uniqueIdPrincipals,
  validateTrustPolicy,
} from '../policy-engine/trust-document.ts';
import { type AwsPrincipalRef, readAwsPrincipal } from '../policy-engine/trust-principals.ts';
import { GatehouseError } from '../shared/errors.ts';
import { assertConstraints } from '../shared/model-constraints.ts';
import { ROLE_PARAMETERS, ROLE_QUOTAS } from './role-parameters.ts';

/**
 * Saving and showing a role's trust policy as AWS does. It is kept as written; every user,
 * role or role session of this Gatehouse it names must exist when it is saved, and the unique
 * ID each one has then is pinned beside it (ARN → ID), so a principal deleted and made again
 * under the same name is not trusted. Principals of accounts this Gatehouse does not hold are
 * kept as written (nothing here can check them). When a pinned principal is gone, the policy
 * is shown with its unique ID in place of its ARN.
 */

function malformed(message: string, field: string): GatehouseError {
  return new GatehouseError('MalformedPolicyDocument', message, { field });
}

/**
 * What can be checked without the database, in IAM's order and words: the parameter's
 * characters, the trust grammar, then IAM's size quota (ACLSizePerRole). Returns the document.
 */
export function checkTrustPolicy(field: string, text: string): PolicyDocument {
  assertConstraints([{ field, value: text, constraint: ROLE_PARAMETERS.assumeRolePolicyDocument }]);
  const checked = validateTrustPolicy(text);
  if (!checked.ok) throw malformed(checked.message, field);
  if (policySize(text) > ROLE_QUOTAS.trustPolicySize) {
    throw new GatehouseError(
      'LimitExceeded',
      `Cannot exceed quota for ACLSizePerRole: ${ROLE_QUOTAS.trustPolicySize}`,
      {
        field,
      },
    );
  }
  return checked.document;
}

/** The unique ID of the user, role, or role of the session, that `ref` names exactly; null when there is none. */
async function uniqueIdOf(db: Db, ref: Extract<AwsPrincipalRef, { kind: 'user' | 'role' | 'session' }>) {
  if (ref.kind === 'session') {
    const role = await findRoleByName(db, ref.accountId, ref.roleName);
    return role && role.name === ref.roleName ? role.id : null;
  }
  if (ref.kind === 'user') {
    const user = await findUserByName(db, ref.accountId, ref.name);
    return user && userArn(user.accountId, user.path, user.name) === ref.arn ? user.id : null;
  }
  const role = await findRoleByName(db, ref.accountId, ref.name);
  return role && roleArn(role.accountId, role.path, role.name) === ref.arn ? role.id : null;
}

/**
 * The unique IDs to pin for a checked trust policy, read inside the transaction that saves it.
 * MalformedPolicyDocument `Invalid principal in policy: "AWS":"…"` for the first principal of
 * this Gatehouse that does not exist (an ARN must match the principal's own, name and path,
 * exactly: it is how callers are matched), and for a bare unique ID that names nobody here.
 */
export async function pinTrustPrincipals(
  db: Db,
  document: PolicyDocument,
  field: string,
): Promise<Record<string, string>> {
  const pinned: Record<string, string> = {};
  for (const arn of namedAwsPrincipals(document)) {
    const ref = readAwsPrincipal(arn);
    if (ref.kind !== 'user' && ref.kind !== 'role' && ref.kind !== 'session') continue;
    if (!(await accountIdExists(db, ref.accountId))) continue;
    const id = await uniqueIdOf(db, ref);
    if (id === null) throw malformed(invalidPrincipalMessage(arn), field);
    pinned[arn] = id;
  }
  const ids = uniqueIdPrincipals(document);
  const existing = await existingPrincipalIds(db, ids);
  const unknown = ids.find((id) => !existing.has(id));
  if (unknown !== undefined) throw malformed(invalidPrincipalMessage(unknown), field);
  return pinned;
}

/** Whether `arn` still names the principal `found` (for a session ARN: a session of that role). */
function stillNamed(found: NamedPrincipal | undefined, arn: string): boolean {
  if (!found) return false;
  if (found.kind === 'user') return userArn(found.accountId, found.path, found.name) === arn;
  if (roleArn(found.accountId, found.path, found.name) === arn) return true;
  const ref = readAwsPrincipal(arn);
  return ref.kind === 'session' && ref.accountId === found.accountId && ref.roleName === found.name;
}

/**
 * Each role's trust policy as GetRole, ListRoles and GetAccountAuthorizationDetails show it,
 * by role ID: the stored text while every pinned principal is still there under its ARN;
 * otherwise the document with each gone one's unique ID in place of its ARN.
 */
export async function shownTrustPolicies(db: Db, roles: readonly RoleRecord[]): Promise<Map<string, string>> {
  const ids = [...new Set(roles.flatMap((r) => Object.values(r.trustPrincipalIds)))];
  const found = await principalsByIds(db, ids);
  const isLive = (id: string, arn: string) => stillNamed(found.get(id), arn);
  const shown = new Map<string, string>();
  for (const role of roles) {
    const pins = Object.entries(role.trustPrincipalIds);
    if (pins.every(([arn, id]) => isLive(id, arn))) {
      shown.set(role.id, role.trustPolicy);
      continue;
    }
    const document = displayTrustPolicy(parsePolicyDocument(role.trustPolicy), new Map(pins), isLive);
    shown.set(role.id, formatPolicyDocument(document));
  }
  return shown;
}
