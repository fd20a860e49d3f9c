import { findAccount } from '../identities/account.repository.ts';
import { type Principal, assumedRoleArn, loadPrincipal } from '../identities/principal.ts';
import { type RoleRecord, findRoleByName, roleArn } from '../identities/role.repository.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError } from '../shared/errors.ts';
import { findUserByName } from '../identities/user.repository.ts';
import { expandActionPattern } from './action-catalog.ts';
import { accountOfArn, contextOf, loadBasis, principalContext } from './authorization.service.ts';
import { compilePolicy } from '../policy-engine/compile.ts';
import type { ContextValue } from '../policy-engine/context.ts';
import { parsePolicyDocument } from '../policy-engine/document.ts';
import {
  type EvalDecision,
  type PolicyInput,
  type PolicySourceType,
  evaluateWithinBoundary,
} from '../policy-engine/evaluate.ts';

/**
 * "Can this principal do X?": the engine's decision for each action and resource, with
 * the statements that decided and the context keys the policies asked for and were not
 * given, so an administrator can see why. Nothing is changed and nothing is audited.
 */

export interface SimulationResult {
  evalActionName: string;
  evalResourceName: string;
  evalDecision: EvalDecision;
  matchedStatements: Array<{
    sourcePolicyId: string;
    sourcePolicyType: string;
    statementIndex: number;
    sid: string | null;
  }>;
  missingContextValues: string[];
  /** With a permissions boundary: whether the boundary allows the action (AWS's PermissionsBoundaryDecisionDetail). */
  allowedByPermissionsBoundary?: boolean;
}

export interface SimulationRequest {
  actionNames: string[];
  /** Defaults to `*`. */
  resourceArns?: string[];
  contextEntries?: Record<string, ContextValue>;
  /** Extra documents evaluated as if they applied too (SimulatePrincipalPolicy), or alone (SimulateCustomPolicy). */
  policyInputList?: string[];
}

/** The names AWS's simulator gives policy sources. */
const SOURCE_TYPE: Record<PolicySourceType, string> = {
  user: 'user',
  group: 'group',
  role: 'role',
  'aws-managed': 'aws-managed',
  'customer-managed': 'user-managed',
  'account-setting': 'none',
  input: 'none',
};

function inputPolicies(documents: readonly string[]): PolicyInput[] {
  return documents.map((document, i) => ({
    id: `PolicyInputList.${i + 1}`,
    type: 'input',
    policy: compilePolicy(parsePolicyDocument(document)),
  }));
}

/** `service:Action`, as policies and the authorization API name actions; `*` and `?` only in the action part. */
const ACTION_NAME = /^[A-Za-z0-9.-]{1,64}:[A-Za-z0-9*?]{1,128}$/;

/**
 * The actions to simulate: any service's action by name (`notes:GetNote`, `s3:GetObject`),
 * decided as the authorization API decides it. A name with a wildcard stands for the
 * catalogued actions it names (`iam:List*` → each IAM List action); only IAM's and STS's
 * actions are listed, so a wildcard over another service is refused rather than guessed.
 */
function actionsToSimulate(names: readonly string[]): string[] {
  return names.flatMap((name) => {
    if (!ACTION_NAME.test(name))
      throw new GatehouseError(
        'InvalidInput',
        `${name.slice(0, 128)} is not an action name of the form service:Action (notes:GetNote, s3:GetObject).`,
      );
    if (!/[*?]/.test(name)) return [name];
    const expanded = expandActionPattern(name);
    if (expanded === null) {
      throw new GatehouseError(
        'InvalidInput',
        `Action ${name} has a wildcard, and only IAM and STS actions can be listed from one; name the action itself.`,
      );
    }
    if (expanded.length === 0) throw new GatehouseError('InvalidInput', `Action ${name} names no IAM or STS action.`);
    return expanded;
  });
}

function simulate(
  policies: readonly PolicyInput[],
  request: SimulationRequest,
  principalAccount: string | null,
  baseContext: Record<string, ContextValue>,
  boundary: readonly PolicyInput[] | null = null,
): SimulationResult[] {
  const resources = request.resourceArns && request.resourceArns.length > 0 ? request.resourceArns : ['*'];
  // Request keys given (aws:SourceIp, aws:CurrentTime, …) override the defaults; identity keys cannot be given (see below).
  const context = { ...baseContext, ...(request.contextEntries ?? {}) };
  const results: SimulationResult[] = [];
  for (const action of actionsToSimulate(request.actionNames)) {
    for (const resource of resources) {
      const account = accountOfArn(resource);
      if (principalAccount !== null && account !== '' && account !== 'aws' && account !== principalAccount) {
        results.push({
          evalActionName: action,
          evalResourceName: resource,
          evalDecision: 'implicitDeny',
          matchedStatements: [],
          missingContextValues: [],
        });
        continue;
      }
      const result = evaluateWithinBoundary(policies, boundary, { action, resource, context });
      results.push({
        ...(result.allowedByBoundary !== null ? { allowedByPermissionsBoundary: result.allowedByBoundary } : {}),
        evalActionName: action,
        evalResourceName: resource,
        evalDecision: result.decision,
        matchedStatements: result.matchedStatements.map((m) => ({
          sourcePolicyId: m.policyId,
          sourcePolicyType: SOURCE_TYPE[m.policyType],
          statementIndex: m.statementIndex,
          sid: m.sid,
        })),
        missingContextValues: result.missingContextKeys,
      });
    }
  }
  return results;
}

const USER_ARN = /^arn:aws:iam::(\d{12}):user(\/(?:[\u0021-\u007E]*\/)?)?([\w+=,.@-]+)$/;
const ROLE_ARN = /^arn:aws:iam::(\d{12}):role(\/(?:[\u0021-\u007E]*\/)?)?([\w+=,.@-]+)$/;

/** The session name a simulated role session has (its `aws:userid` is `AROA…:SimulatePrincipalPolicy`). */
export const SIMULATED_SESSION_NAME = 'SimulatePrincipalPolicy';

/**
 * A role simulated as one of its sessions would act: the role's policies, boundary and tags,
 * and a session that carries nothing of its own (no session policy, tags or source identity).
 */
function simulatedSession(
  account: { id: string; alias: string | null; name: string },
  role: RoleRecord,
  now: string,
): Principal {
  const arn = roleArn(account.id, role.path, role.name);
  return {
    type: 'assumed-role',
    accountId: account.id,
    accountAlias: account.alias,
    accountName: account.name,
    id: role.id,
    name: SIMULATED_SESSION_NAME,
    roleName: role.name,
    path: role.path,
    roleArn: arn,
    permissionsBoundary: role.permissionsBoundary,
    arn: assumedRoleArn(account.id, role.name, SIMULATED_SESSION_NAME),
    session: {
      credentialId: '',
      issuedAt: now,
      expiresAt: now,
      mfaAt: null,
      sourceIdentity: null,
      sessionPolicy: null,
      sessionPolicyArns: [],
      tags: [],
      transitiveTagKeys: [],
      chained: false,
      issuerArn: arn,
    },
  };
}

/**
 * The principal a user or role ARN of this account names (a role as one of its sessions would
 * act); NoSuchEntity for anything else.
 */
export async function principalFromArn(deps: Deps, accountId: string, arn: string): Promise<Principal> {
  const role = ROLE_ARN.exec(arn);
  if (role) {
    const found = role[1] === accountId ? await findRoleByName(deps.db, accountId, role[3]!) : null;
    const account = found && (role[2] ?? '/') === found.path ? await findAccount(deps.db, accountId) : null;
    if (!found || !account)
      throw new GatehouseError('NoSuchEntity', `The role with ARN ${arn} cannot be found.`, {
        field: 'policySourceArn',
      });
    return simulatedSession(account, found, deps.clock.now().toISOString());
  }
  const match = USER_ARN.exec(arn);
  const user = match && match[1] === accountId ? await findUserByName(deps.db, accountId, match[3]!) : null;
  const principal = user && (match![2] ?? '/') === user.path ? await loadPrincipal(deps.db, accountId, user.id) : null;
  if (!principal)
    throw new GatehouseError('NoSuchEntity', `The user with ARN ${arn} cannot be found.`, { field: 'policySourceArn' });
  return principal;
}

/** Keys that describe the simulated principal itself: they come from it, never from the caller. */
function isIdentityKey(key: string): boolean {
  const k = key.toLowerCase();
  return k === 'aws:username' || k === 'aws:userid' || k.startsWith('aws:principal');
}

/** Simulates a user's own policies (and its groups') or a role's, plus any extra documents given. */
export async function simulatePrincipalPolicy(
  deps: Deps,
  principal: Principal,
  request: SimulationRequest,
): Promise<SimulationResult[]> {
  const supplied = Object.keys(request.contextEntries ?? {}).find(isIdentityKey);
  if (supplied) {
    throw new GatehouseError(
      'InvalidInput',
      `Context key ${supplied} describes the simulated user and cannot be supplied; it comes from the user.`,
    );
  }
  const extra = inputPolicies(request.policyInputList ?? []);
  if (principal.type === 'root') {
    const context = await principalContext(deps, principal);
    return simulate(extra, request, principal.accountId, context).map((r) =>
      accountOfArn(r.evalResourceName) === '' || accountOfArn(r.evalResourceName) === principal.accountId
        ? { ...r, evalDecision: 'allowed' }
        : r,
    );
  }
  // The same basis live decisions use, with the extra documents as if they were the user's own.
  const basis = await loadBasis(deps, principal, extra);
  return simulate(basis.policies, request, principal.accountId, contextOf(deps, principal, basis.tags), basis.boundary);
}

/** Simulates the given documents alone, for no principal in particular. */
export function simulateCustomPolicy(request: SimulationRequest): SimulationResult[] {
  return simulate(inputPolicies(request.policyInputList ?? []), request, null, {});
}
