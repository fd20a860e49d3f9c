import { type PolicyDocument, parsePolicyDocument } from './document.ts';
import { POLICY_MESSAGES } from './grammar/messages.ts';
import { type StatementRef, policyProblem } from './grammar/policy-validator.ts';
import { readAwsPrincipal } from './trust-principals.ts';

/**
 * A role's trust policy (its AssumeRolePolicyDocument) as IAM checks it when it is written:
 * the grammar's trust rules, in IAM's order and words, then every principal one IAM can
 * read. What the grammar cannot know is whether the users and roles it names exist: the
 * caller asks that of `namedAwsPrincipals` and `uniqueIdPrincipals`, and answers a missing
 * one with `invalidPrincipalMessage`, as IAM does.
 */

export type TrustValidation =
  | { ok: true; document: PolicyDocument }
  /** `message` is IAM's MalformedPolicyDocument text; `statement` the statement it concerns, when one does. */
  | { ok: false; message: string; statement: StatementRef | null };

export function validateTrustPolicy(json: string): TrustValidation {
  const problem = policyProblem(json, 'trust');
  if (problem) return { ok: false, message: problem.message, statement: problem.statement };
  return { ok: true, document: parsePolicyDocument(json) };
}

/** IAM's answer for a principal that does not exist (or no longer does). */
export function invalidPrincipalMessage(value: string, type = 'AWS'): string {
  return POLICY_MESSAGES.trustPrincipal(type, value);
}

function awsValues(document: PolicyDocument): string[] {
  const values: string[] = [];
  for (const statement of document.statements) {
    for (const set of [statement.principal, statement.notPrincipal]) {
      if (set !== null && set !== '*') values.push(...(set.AWS ?? []));
    }
  }
  return values;
}

/**
 * The ARNs under `"AWS"` (in Principal and NotPrincipal) that name one user, one role or one
 * role session, each once, in the order written. When the policy is saved the caller checks
 * each exists and records its unique ID (for a session ARN, the unique ID of the role the
 * session belongs to: `readAwsPrincipal(arn).roleName` in the ARN's account), and refuses the
 * policy with `invalidPrincipalMessage(arn)` for one that does not. Account roots, account IDs,
 * `*` and federated users are not named principals: nothing about them can go stale.
 */
export function namedAwsPrincipals(document: PolicyDocument): string[] {
  const named = new Set<string>();
  for (const value of awsValues(document)) {
    const ref = readAwsPrincipal(value);
    if (ref.kind === 'user' || ref.kind === 'role' || ref.kind === 'session') named.add(ref.arn);
  }
  return [...named];
}

/**
 * The bare unique IDs (`AIDA…`, `AROA…`) under `"AWS"`, each once: a policy shown after its
 * principal was deleted, saved again. IAM refuses one that names nobody; the caller checks.
 */
export function uniqueIdPrincipals(document: PolicyDocument): string[] {
  const ids = new Set<string>();
  for (const value of awsValues(document)) {
    const ref = readAwsPrincipal(value);
    if (ref.kind === 'uniqueId') ids.add(ref.uniqueId);
  }
  return [...ids];
}
