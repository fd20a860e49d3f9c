import type { Db } from '../db/database.ts';
import type { RoleRecord } from '../identities/role.repository.ts';
import { validateTrustPolicy } from '../policies/grammar/policy-validator.ts';
import { policySize } from '../policy-engine/document.ts';
import { GatehouseError } from '../shared/errors.ts';
import { assertConstraints } from '../shared/model-constraints.ts';
import { ROLE_PARAMETERS, ROLE_QUOTAS } from './role-parameters.ts';

/** A trust policy ready to save: the text as written, and the unique ID of each user or role it names. */
export interface TrustPolicyToSave {
  text: string;
  principalIds: Record<string, string>;
}

/** What can be checked without the database: the text's characters, the grammar, the size quota. */
export function checkTrustPolicyText(field: string, text: string): void {
  assertConstraints([{ field, value: text, constraint: ROLE_PARAMETERS.assumeRolePolicyDocument }]);
  validateTrustPolicy(text);
  if (policySize(text) > ROLE_QUOTAS.trustPolicySize) {
    throw new GatehouseError(
      'LimitExceeded',
      `Cannot exceed quota for ACLSizePerRole: ${ROLE_QUOTAS.trustPolicySize}`,
      {
        field,
      },
    );
  }
}

/** Reads a checked trust policy's principals inside the saving transaction. */
export async function trustPolicyToSave(_db: Db, text: string): Promise<TrustPolicyToSave> {
  return { text, principalIds: {} };
}

/** Each role's trust policy as GetRole, ListRoles and GetAccountAuthorizationDetails show it, by role ID. */
export async function shownTrustPolicies(_db: Db, roles: readonly RoleRecord[]): Promise<Map<string, string>> {
  return new Map(roles.map((r) => [r.id, r.trustPolicy]));
}
