import type { CompiledCondition, CompiledPolicy, CompiledStatement, MissingSink } from './compile.ts';
import { type AuthorizationRequest, type PreparedContext, prepareContext } from './context.ts';
import type { Effect } from './document.ts';

/**
 * Identity-based policy evaluation as AWS documents it: a matching Deny statement
 * anywhere wins; otherwise a matching Allow statement allows; otherwise the request is
 * implicitly denied. A statement matches when its action, its resource and every one of
 * its conditions match. Written as plain loops: this runs on every request.
 */

export type EvalDecision = 'allowed' | 'explicitDeny' | 'implicitDeny';

/** Where a policy comes from, as the simulator reports it. */
export type PolicySourceType =
  | 'user'
  | 'group'
  | 'role'
  | 'aws-managed'
  | 'customer-managed'
  | 'account-setting'
  | 'input';

/** A compiled policy and the name it is reported under: an ARN, an inline policy's name, or a label. */
export interface PolicyInput {
  id: string;
  type?: PolicySourceType;
  policy: CompiledPolicy;
}

/**
 * What an IAM user's decisions rest on: its policies (with the password-policy grant), its
 * permissions boundary and its tags. `own` are its policies without the grant, for callers
 * that add documents of their own before it (the simulator).
 */
export interface DecisionBasis {
  policies: readonly PolicyInput[];
  own: readonly PolicyInput[];
  passwordPolicyGrant: PolicyInput | null;
  boundary: readonly PolicyInput[] | null;
  tags: ReadonlyArray<{ key: string; value: string }>;
}

export interface MatchedStatement {
  policyId: string;
  policyType: PolicySourceType;
  /** 0-based position in the document's Statement list. */
  statementIndex: number;
  sid: string | null;
  effect: Effect;
}

export interface EvaluationResult {
  decision: EvalDecision;
  /** The statements that decided: the matching Deny statements, or else the matching Allow statements. */
  matchedStatements: MatchedStatement[];
  /** Context keys that applicable statements asked about and the request did not carry. */
  missingContextKeys: string[];
}

/** The context keys a request lacked, each once, by the name the policy first wrote it with. */
export class MissingKeys implements MissingSink {
  #names: Map<string, string> | null = null;
  add(name: string): void {
    this.#names ??= new Map();
    const key = name.toLowerCase();
    if (!this.#names.has(key)) this.#names.set(key, name);
  }
  list(): string[] {
    return this.#names ? [...this.#names.values()] : [];
  }
}

function matchesAnyValue(tests: ReadonlyArray<((v: string) => boolean) | null>, value: string): boolean {
  for (const test of tests) if (test?.(value)) return true;
  return false;
}

function testCondition(condition: CompiledCondition, context: PreparedContext, missing: MissingSink): boolean {
  const values = context.get(condition.key);
  if (condition.nullExpectsAbsent) {
    const isAbsent = values === undefined || values.length === 0;
    for (const expectsAbsent of condition.nullExpectsAbsent) if (expectsAbsent === isAbsent) return true;
    return false;
  }
  if (values === undefined || (values.length === 0 && condition.set === null)) {
    missing.add(condition.name);
    if (condition.ifExists || condition.set === 'all') return true;
    if (condition.set === 'any') return false;
    return condition.spec.negated;
  }
  if (values.length === 0) return condition.set === 'all';
  const tests = condition.fixedTests ?? condition.values.map((v) => v.get(context, missing));
  const negated = condition.spec.negated;
  if (condition.set === 'all') {
    for (const value of values) if (matchesAnyValue(tests, value) === negated) return false;
    return true;
  }
  if (condition.set === 'any' || !negated) {
    for (const value of values) if (matchesAnyValue(tests, value) !== negated) return true;
    return false;
  }
  // A negated operator without a set operator: true when no value matches any policy value (NOR).
  for (const value of values) if (matchesAnyValue(tests, value)) return false;
  return true;
}

/** Whether the statement's Action (or NotAction) covers `action`, given in lower case. */
export function coversAction(statement: CompiledStatement, action: string): boolean {
  let actionListed = false;
  for (const matcher of statement.actions) {
    if (matcher.test(action)) {
      actionListed = true;
      break;
    }
  }
  return actionListed !== statement.notAction;
}

/**
 * Whether every condition of the statement holds. Every condition is tested, so the missing
 * keys of an applicable statement are all reported.
 */
export function conditionsHold(statement: CompiledStatement, context: PreparedContext, missing: MissingSink): boolean {
  let all = true;
  for (const condition of statement.conditions) if (!testCondition(condition, context, missing)) all = false;
  return all;
}

/** Whether the statement's Resource (or NotResource) covers `resource`. */
export function coversResource(
  statement: CompiledStatement,
  resource: string,
  context: PreparedContext,
  missing: MissingSink,
): boolean {
  let resourceListed = false;
  for (const pattern of statement.resources) {
    const matcher = pattern.get(context, missing);
    if (matcher?.test(resource)) {
      resourceListed = true;
      break;
    }
  }
  return resourceListed !== statement.notResource;
}

function statementApplies(
  statement: CompiledStatement,
  action: string,
  resource: string,
  context: PreparedContext,
  missing: MissingKeys,
): boolean {
  if (!coversAction(statement, action)) return false;
  if (!coversResource(statement, resource, context, missing)) return false;
  return conditionsHold(statement, context, missing);
}

export function evaluatePolicies(
  policies: readonly PolicyInput[],
  request: AuthorizationRequest,
  prepared: PreparedContext = prepareContext(request.context),
): EvaluationResult {
  const denies: MatchedStatement[] = [];
  const allows: MatchedStatement[] = [];
  const missing = new MissingKeys();
  const action = request.action.toLowerCase();
  for (const { id, type, policy } of policies) {
    for (const statement of policy.statements) {
      if (!statementApplies(statement, action, request.resource, prepared, missing)) continue;
      const matched = {
        policyId: id,
        policyType: type ?? 'input',
        statementIndex: statement.index,
        sid: statement.sid,
        effect: statement.effect,
      };
      if (statement.effect === 'Deny') denies.push(matched);
      else allows.push(matched);
    }
  }
  const decision: EvalDecision = denies.length > 0 ? 'explicitDeny' : allows.length > 0 ? 'allowed' : 'implicitDeny';
  return {
    decision,
    matchedStatements: decision === 'explicitDeny' ? denies : decision === 'allowed' ? allows : [],
    missingContextKeys: missing.list(),
  };
}

/**
 * Identity-based policies under a permissions boundary, as AWS documents it: the request is
 * allowed only when the policies allow it and the boundary allows it too; a matching Deny
 * in either denies. Without a boundary this is `evaluatePolicies`.
 */
export function evaluateWithinBoundary(
  policies: readonly PolicyInput[],
  boundary: readonly PolicyInput[] | null,
  request: AuthorizationRequest,
  prepared: PreparedContext = prepareContext(request.context),
): EvaluationResult & { allowedByBoundary: boolean | null; deniedByBoundary: boolean } {
  const identity = evaluatePolicies(policies, request, prepared);
  if (!boundary) return { ...identity, allowedByBoundary: null, deniedByBoundary: false };
  const bound = evaluatePolicies(boundary, request, prepared);
  const missingContextKeys = [...new Set([...identity.missingContextKeys, ...bound.missingContextKeys])].sort();
  const allowedByBoundary = bound.decision === 'allowed';
  if (identity.decision === 'explicitDeny')
    return { ...identity, missingContextKeys, allowedByBoundary, deniedByBoundary: false };
  if (bound.decision === 'explicitDeny')
    return { ...bound, missingContextKeys, allowedByBoundary, deniedByBoundary: true };
  if (identity.decision === 'allowed' && !allowedByBoundary) {
    return {
      decision: 'implicitDeny',
      matchedStatements: [],
      missingContextKeys,
      allowedByBoundary,
      deniedByBoundary: true,
    };
  }
  return { ...identity, missingContextKeys, allowedByBoundary, deniedByBoundary: false };
}

/** The kind of policy AWS's AccessDenied messages name as the one that refused a request. */
export type RefusingPolicy = 'identity-based policy' | 'permissions boundary' | 'session policy';

/**
 * A request of a principal whose permissions may be narrowed twice, as AWS documents it for
 * role sessions: its identity policies, within its permissions boundary, and — when the
 * session was given session policies (`sessionPolicies` not null) — within those too. It is
 * allowed only when every layer allows it, so a session policy can narrow and never widen; a
 * matching Deny in any layer denies. `refusedBy` names the layer to blame, in AWS's order:
 * the first that denies explicitly, else the first that does not allow.
 */
export function evaluateWithinSession(
  policies: readonly PolicyInput[],
  boundary: readonly PolicyInput[] | null,
  sessionPolicies: readonly PolicyInput[] | null,
  request: AuthorizationRequest,
  prepared: PreparedContext = prepareContext(request.context),
): EvaluationResult & { refusedBy: RefusingPolicy | null } {
  const within = evaluateWithinBoundary(policies, boundary, request, prepared);
  const layer: RefusingPolicy = within.deniedByBoundary ? 'permissions boundary' : 'identity-based policy';
  if (sessionPolicies === null) {
    return {
      decision: within.decision,
      matchedStatements: within.matchedStatements,
      missingContextKeys: within.missingContextKeys,
      refusedBy: within.decision === 'allowed' ? null : layer,
    };
  }
  const session = evaluatePolicies(sessionPolicies, request, prepared);
  const missingContextKeys = [...new Set([...within.missingContextKeys, ...session.missingContextKeys])].sort();
  if (within.decision === 'explicitDeny')
    return {
      decision: 'explicitDeny',
      matchedStatements: within.matchedStatements,
      missingContextKeys,
      refusedBy: layer,
    };
  if (session.decision === 'explicitDeny') return { ...session, missingContextKeys, refusedBy: 'session policy' };
  if (within.decision !== 'allowed')
    return { decision: 'implicitDeny', matchedStatements: [], missingContextKeys, refusedBy: layer };
  if (session.decision !== 'allowed')
    return { decision: 'implicitDeny', matchedStatements: [], missingContextKeys, refusedBy: 'session policy' };
  return {
    decision: 'allowed',
    matchedStatements: [...within.matchedStatements, ...session.matchedStatements],
    missingContextKeys,
    refusedBy: null,
  };
}
