import { type TextConstraint, assertConstraints, constraintViolation } from '../shared/model-constraints.ts';
import { POLICY_PARAMETERS } from '../policies/names.ts';

/**
 * AWS's model constraints on the role parameters, which the Query API checks before the
 * service runs and the services check again for callers that are not the Query API (the
 * console), with the same words.
 */
export const ROLE_PARAMETERS = {
  roleName: { min: 1, max: 64, pattern: /^[\w+=,.@-]+$/, patternText: '[\\w+=,.@-]+' },
  description: {
    min: 0,
    max: 1000,
    pattern: /^[\u0009\u000A\u000D\u0020-\u007E\u00A1-\u00FF]*$/,
    patternText: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u00A1-\\u00FF]*',
  },
  assumeRolePolicyDocument: POLICY_PARAMETERS.policyDocument,
} as const satisfies Record<string, TextConstraint>;

/** Seconds a session of the role may last at most (AWS's range; one hour unless set). */
export const MAX_SESSION_DURATION = { min: 3600, max: 43200, default: 3600 } as const;

/** AWS's default quotas for roles. */
export const ROLE_QUOTAS = {
  rolesPerAccount: 1000,
  tagsPerRole: 50,
  /** Characters of a trust policy, white space not counted (IAM's ACLSizePerRole). */
  trustPolicySize: 2048,
} as const;

/** Refuses a MaxSessionDuration outside AWS's range, in AWS's words. */
export function assertMaxSessionDuration(field: string, seconds: number): void {
  if (!Number.isInteger(seconds)) {
    throw constraintViolation([`Value at '${field}' failed to satisfy constraint: Member must be an integer`], field);
  }
  const { min, max } = MAX_SESSION_DURATION;
  if (seconds < min)
    throw constraintViolation(
      [`Value at '${field}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`],
      field,
    );
  if (seconds > max)
    throw constraintViolation(
      [`Value at '${field}' failed to satisfy constraint: Member must have value less than or equal to ${max}`],
      field,
    );
}

export function assertRoleName(field: string, name: string): void {
  assertConstraints([{ field, value: name, constraint: ROLE_PARAMETERS.roleName }]);
}

export function assertRoleDescription(field: string, description: string): void {
  assertConstraints([{ field, value: description, constraint: ROLE_PARAMETERS.description }]);
}
