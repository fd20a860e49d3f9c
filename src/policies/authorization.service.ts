import { type Principal, callerUserId } from '../identities/principal.ts';
import { listRoleTags } from '../identities/role.repository.ts';
import { listGroupsOfUser } from '../identities/group.repository.ts';
import { getPasswordPolicy } from '../password-policy/password-policy.service.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError } from '../shared/errors.ts';
import { listUserTags } from '../user-tags/user-tag.repository.ts';
import { listAttachmentsOf } from './attachment.repository.ts';
import { AWS_MANAGED_POLICIES } from './aws-managed.ts';
import { compilePolicy } from '../policy-engine/compile.ts';
import { type ContextValue, prepareContext } from '../policy-engine/context.ts';
import { parsePolicyDocument } from '../policy-engine/document.ts';
import {
  type DecisionBasis,
  type EvaluationResult,
  type PolicyInput,
  type RefusingPolicy,
  evaluateWithinSession,
} from '../policy-engine/evaluate.ts';
import { isRequestScoped, rememberForRequest, scopeToRequest } from '../shared/request-memo.ts';
import type { PreparedContext } from '../policy-engine/context.ts';
import { listInlinePolicies } from './inline-policy.repository.ts';
import { managedPolicyInputs } from './managed-policy-inputs.ts';
import { boundaryOf } from './permissions-boundary.service.ts';

/**
 * The one place Gatehouse decides whether a principal may do something:
 * - no principal reaches another account on its own policies alone (resources of the AWS
 *   managed policies, account `aws`, are readable by everyone they are allowed to): where the
 *   resource has a policy of its own that decides too (a role's trust policy), the caller asks
 *   with `withResourcePolicy` and this judges the principal's side only;
 * - the root user may do everything in its own account;
 * - an IAM user may do what its policies allow (its inline and attached policies and
 *   those of its groups), with AWS's evaluation order;
 * - a role session may do what its role's policies allow, within the role's boundary and
 *   within the session policies it was given (which can only narrow);
 * - the account password policy's AllowUsersToChangePassword lets every user change its
 *   own password and read the password policy, as in AWS, unless a policy denies it.
 */

export type AuthorizationContext = Readonly<Record<string, ContextValue>>;

export interface Authorization extends EvaluationResult {
  principalArn: string;
  action: string;
  resource: string;
  /** AWS's AccessDenied wording when the request is refused; null when allowed. */
  message: string | null;
}

/** The grant AllowUsersToChangePassword stands for, as a policy, so an explicit Deny still wins. */
const CHANGE_OWN_PASSWORD = compilePolicy(
  parsePolicyDocument(
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Allow',
          Action: 'iam:ChangePassword',
          Resource: [
            'arn:aws:iam::${aws:PrincipalAccount}:user/${aws:username}',
            'arn:aws:iam::${aws:PrincipalAccount}:user/*/${aws:username}',
          ],
        },
        { Effect: 'Allow', Action: 'iam:GetAccountPasswordPolicy', Resource: '*' },
      ],
    }),
  ),
);
export const PASSWORD_POLICY_GRANT_ID = 'AllowUsersToChangePassword';

/** The account password policy's grant, as one more policy of a user. */
export function passwordPolicyGrant(): PolicyInput {
  return { id: PASSWORD_POLICY_GRANT_ID, type: 'account-setting', policy: CHANGE_OWN_PASSWORD };
}

const ADMINISTRATOR_ACCESS = AWS_MANAGED_POLICIES.find((p) => p.name === 'AdministratorAccess')!;

/**
 * Every policy that applies to a user, compiled (from the cache when its revision has
 * been seen): its inline policies, its attached managed policies, and the inline and
 * attached policies of each of its groups. The root user has none: it needs none.
 */
export async function effectivePolicies(
  deps: Pick<Deps, 'db' | 'caches'>,
  principal: Principal,
): Promise<PolicyInput[]> {
  if (principal.type === 'root') return [];
  const { db } = deps;
  if (principal.type === 'assumed-role') {
    const [inline, attached] = await Promise.all([
      listInlinePolicies(db, 'role', [principal.id]),
      listAttachmentsOf(db, 'role', [principal.id]),
    ]);
    return [
      ...inline.map((p) => ({
        id: p.name,
        type: 'role' as const,
        policy: deps.caches.policies.get(`inline:role:${p.ownerId}:${p.name}:${p.revision}`, p.document),
      })),
      ...(await managedPolicyInputs(
        db,
        deps.caches.policies,
        principal.accountId,
        new Set(attached.map((a) => a.policyArn)),
      )),
    ];
  }
  const groups = await listGroupsOfUser(db, principal.id);
  const groupIds = groups.map((g) => g.id);
  const [userInline, groupInline, userAttached, groupAttached] = await Promise.all([
    listInlinePolicies(db, 'user', [principal.id]),
    listInlinePolicies(db, 'group', groupIds),
    listAttachmentsOf(db, 'user', [principal.id]),
    listAttachmentsOf(db, 'group', groupIds),
  ]);
  const inputs: PolicyInput[] = [];
  for (const p of [...userInline, ...groupInline]) {
    inputs.push({
      id: p.name,
      type: p.ownerType,
      policy: deps.caches.policies.get(`inline:${p.ownerType}:${p.ownerId}:${p.name}:${p.revision}`, p.document),
    });
  }
  const arns = new Set([...userAttached, ...groupAttached].map((a) => a.policyArn));
  // The administrator flag of the first releases means what AdministratorAccess means.
  if (principal.isAdmin) arns.add(ADMINISTRATOR_ACCESS.arn);
  inputs.push(...(await managedPolicyInputs(db, deps.caches.policies, principal.accountId, arns)));
  return inputs;
}

/** The account of an ARN; '' for `*` and ARNs without one. */
export function accountOfArn(arn: string): string {
  if (arn === '*') return '';
  return arn.split(':')[4] ?? '';
}

const PRINCIPAL_TYPE = { root: 'Account', user: 'User', 'assumed-role': 'AssumedRole' } as const;

/** The condition keys Gatehouse knows about a principal itself, before the request adds its own. */
export async function principalContext(deps: Deps, principal: Principal): Promise<Record<string, ContextValue>> {
  return contextOf(deps, principal, await tagsOf(deps, principal));
}

/**
 * The tags of a user or role (a role session's own tags are added by `contextOf`: they differ
 * from session to session, while these are cached per principal).
 */
async function tagsOf(deps: Pick<Deps, 'db'>, principal: Principal): Promise<{ key: string; value: string }[]> {
  if (principal.type === 'root') return [];
  return principal.type === 'user' ? listUserTags(deps.db, principal.id) : listRoleTags(deps.db, principal.id);
}

/**
 * The principal's own condition keys, given its user's or role's tags (already loaded). A role
 * session's tags take the place of the role's where keys meet (ignoring case), as in AWS.
 */
export function contextOf(
  deps: Pick<Deps, 'clock'>,
  principal: Principal,
  tags: ReadonlyArray<{ key: string; value: string }>,
): Record<string, ContextValue> {
  const now = deps.clock.now();
  const context: Record<string, ContextValue> = {
    'aws:PrincipalAccount': principal.accountId,
    'aws:PrincipalArn': principal.type === 'assumed-role' ? principal.roleArn : principal.arn,
    'aws:PrincipalType': PRINCIPAL_TYPE[principal.type],
    'aws:userid': callerUserId(principal),
    'aws:CurrentTime': now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    'aws:EpochTime': String(Math.floor(now.getTime() / 1000)),
  };
  if (principal.type === 'user') context['aws:username'] = principal.name;
  if (principal.type === 'assumed-role') {
    const { session } = principal;
    // To the millisecond: a revocation (AWSRevokeOlderSessions) must tell apart sessions issued in the same second.
    context['aws:TokenIssueTime'] = session.issuedAt;
    if (session.sourceIdentity !== null) context['aws:SourceIdentity'] = session.sourceIdentity;
  }
  const byKey = new Map(tags.map((t) => [t.key.toLowerCase(), t]));
  if (principal.type === 'assumed-role') for (const t of principal.session.tags) byKey.set(t.key.toLowerCase(), t);
  for (const tag of byKey.values()) context[`aws:PrincipalTag/${tag.key}`] = tag.value;
  return context;
}

export type { DecisionBasis } from '../policy-engine/evaluate.ts';

/** Reads and compiles an IAM user's decision basis from the database. */
async function readBasis(deps: Deps, principal: Principal): Promise<DecisionBasis> {
  const [own, passwordPolicy, tags, boundary] = await Promise.all([
    effectivePolicies(deps, principal),
    getPasswordPolicy(deps, principal.accountId),
    tagsOf(deps, principal),
    boundaryOf(deps, principal),
  ]);
  // The password policy's grant is for IAM users; a role session has no password.
  const grant = principal.type === 'user' && passwordPolicy?.allowUsersToChangePassword ? passwordPolicyGrant() : null;
  const basis: DecisionBasis = Object.freeze({
    policies: Object.freeze(grant ? [...own, grant] : own),
    own: Object.freeze(own),
    passwordPolicyGrant: grant,
    boundary: boundary ? Object.freeze(boundary) : null,
    tags: Object.freeze(tags),
  });
  // A role's basis serves every session of the role, each with keys of its own (its tags, IDs, issue time).
  if (principal.type === 'user' && readsOnlyWhoThePrincipalIs(basis)) decidedOnce.set(basis, new Map());
  return basis;
}

/**
 * The context keys that say only who an IAM user is (`contextOf`: its account, ARN, type, IDs,
 * name and tags): the same in every request its decision basis serves, since any change to
 * them drops the basis.
 */
const PRINCIPAL_KEYS = new Set([
  'aws:principalaccount',
  'aws:principalarn',
  'aws:principaltype',
  'aws:userid',
  'aws:username',
]);

function readsOnlyWhoThePrincipalIs(basis: DecisionBasis): boolean {
  for (const { policy } of [...basis.policies, ...(basis.boundary ?? [])]) {
    for (const key of policy.contextKeys) {
      if (!PRINCIPAL_KEYS.has(key) && !key.startsWith('aws:principaltag/')) return false;
    }
  }
  return true;
}

type Evaluation = ReturnType<typeof evaluateWithinSession>;

/**
 * Decisions on an IAM user's kept basis whose policies read nothing of the request (no source
 * address, MFA or time): by action and resource, each made once for as long as the basis is
 * kept, and gone with it. Most users' policies are such; a console page asks a dozen of them.
 */
const decidedOnce = new WeakMap<DecisionBasis, Map<string, Evaluation>>();
const MAX_DECIDED_ONCE = 128;

/** The policies' evaluation of one request: made once on a basis when it cannot depend on the request. */
function evaluate(
  deps: Deps,
  principal: Principal,
  basis: DecisionBasis,
  sessionPolicies: readonly PolicyInput[] | null,
  action: string,
  resource: string,
  context: AuthorizationContext,
): Evaluation {
  const decided = sessionPolicies === null ? decidedOnce.get(basis) : undefined;
  const key = decided ? `${action}\n${resource}` : '';
  const kept = decided?.get(key);
  if (kept) return kept;
  const full = fullContextOf(deps, principal, basis.tags, context);
  const evaluation = evaluateWithinSession(
    basis.policies,
    basis.boundary,
    sessionPolicies,
    { action, resource, context: full.keys },
    full.prepared,
  );
  if (decided) {
    if (decided.size >= MAX_DECIDED_ONCE) decided.clear();
    Object.freeze(evaluation.matchedStatements);
    Object.freeze(evaluation.missingContextKeys);
    decided.set(key, Object.freeze(evaluation));
  }
  return evaluation;
}

/**
 * An IAM user's decision basis, compiled once and kept per principal (`deps.caches.decisionBases`)
 * while the invalidation feed vouches for it: any change to its policies, groups, group
 * membership, attachments, boundary or tags, to a managed policy or group of its account, or
 * to the account's password policy drops it (README, Caches). `extra` documents (the
 * simulator's PolicyInputList) count as if they were the user's own, before the
 * password-policy grant.
 */
export async function loadBasis(
  deps: Deps,
  principal: Principal,
  extra: readonly PolicyInput[] = [],
): Promise<DecisionBasis> {
  const basis = await deps.caches.decisionBases.getOrLoad(principal.id, principal.accountId, deps.clock.now(), () =>
    readBasis(deps, principal),
  );
  if (extra.length === 0) return basis;
  const grant = basis.passwordPolicyGrant;
  return { ...basis, policies: [...basis.own, ...extra, ...(grant ? [grant] : [])] };
}

/**
 * Lets every decision about this principal object (and what else the request reads about
 * it, such as its password's status) share one answer. A console request asks several
 * questions (which links to show, may it change its password, …); its principal object lives
 * only as long as the request, so the next request asks again.
 */
export function decideWithinOneRequest<P extends Principal>(principal: P): P {
  return scopeToRequest(principal);
}

function basisOf(deps: Deps, principal: Principal): Promise<DecisionBasis> {
  return rememberForRequest(principal, 'decision-basis', () => loadBasis(deps, principal));
}

interface FullContext {
  keys: Record<string, ContextValue>;
  prepared: PreparedContext;
}

/** Full contexts of request-scoped principals, by the request's context object: made once per request. */
const fullContexts = new WeakMap<object, WeakMap<Principal, FullContext>>();

/** The request's condition keys with the principal's own, prepared for the engine (once per request for its own principal). */
function fullContextOf(
  deps: Deps,
  principal: Principal,
  tags: DecisionBasis['tags'],
  context: AuthorizationContext,
): FullContext {
  const make = (): FullContext => {
    const keys = { ...context, ...contextOf(deps, principal, tags) };
    return { keys, prepared: prepareContext(keys) };
  };
  if (!isRequestScoped(principal)) return make();
  let byPrincipal = fullContexts.get(context);
  if (!byPrincipal) {
    byPrincipal = new WeakMap();
    fullContexts.set(context, byPrincipal);
  }
  let full = byPrincipal.get(principal);
  if (!full) {
    full = make();
    byPrincipal.set(principal, full);
  }
  return full;
}

function deniedMessage(principalArn: string, action: string, resource: string, reason: string): string {
  return `User: ${principalArn} is not authorized to perform: ${action} on resource: ${resource} ${reason}`;
}

const WITH_ARTICLE: Record<RefusingPolicy, string> = {
  'identity-based policy': 'an identity-based policy',
  'permissions boundary': 'a permissions boundary',
  'session policy': 'a session policy',
};

/**
 * The session policies a role session was given (its inline `Policy` and its `PolicyArns`),
 * compiled; null when it was given none, so nothing narrows it. They belong to the session,
 * never to the role's cached decision basis. A managed policy deleted since narrows to nothing.
 */
async function sessionPoliciesOf(deps: Deps, principal: Principal): Promise<readonly PolicyInput[] | null> {
  if (principal.type !== 'assumed-role') return null;
  const { sessionPolicy, sessionPolicyArns, credentialId } = principal.session;
  if (sessionPolicy === null && sessionPolicyArns.length === 0) return null;
  const inputs: PolicyInput[] = [];
  // The inline session policy never changes for these credentials, so their ID keys its compiled form.
  if (sessionPolicy !== null)
    inputs.push({
      id: 'session policy',
      type: 'input',
      policy: deps.caches.policies.get(`session:${credentialId}`, sessionPolicy),
    });
  if (sessionPolicyArns.length > 0)
    inputs.push(...(await managedPolicyInputs(deps.db, deps.caches.policies, principal.accountId, sessionPolicyArns)));
  return inputs;
}

function sessionPoliciesFor(deps: Deps, principal: Principal): Promise<readonly PolicyInput[] | null> {
  return rememberForRequest(principal, 'session-policies', () => sessionPoliciesOf(deps, principal));
}

export interface AuthorizeOptions {
  /**
   * The resource has a policy of its own that is judged beside the principal's (a role's
   * trust policy for `sts:AssumeRole`): the principal's side is evaluated even for a resource
   * of another account, which is otherwise refused before any policy is read.
   */
  withResourcePolicy?: boolean;
}

/**
 * Decides one request. `context` carries what the request knows (aws:SourceIp,
 * aws:SecureTransport, aws:MultiFactorAuthPresent, aws:MultiFactorAuthAge,
 * aws:RequestedRegion, iam:PolicyARN…); the principal's own keys are added here.
 */
export async function authorize(
  deps: Deps,
  principal: Principal,
  action: string,
  resource: string,
  context: AuthorizationContext = {},
  options: AuthorizeOptions = {},
): Promise<Authorization> {
  const base = { principalArn: principal.arn, action, resource };
  const resourceAccount = accountOfArn(resource);
  const otherAccount = resourceAccount !== '' && resourceAccount !== 'aws' && resourceAccount !== principal.accountId;
  if (otherAccount && !options.withResourcePolicy) {
    return {
      ...base,
      decision: 'implicitDeny',
      matchedStatements: [],
      missingContextKeys: [],
      message: deniedMessage(
        principal.arn,
        action,
        resource,
        `because no resource-based policy allows the ${action} action`,
      ),
    };
  }
  if (principal.type === 'root')
    return { ...base, decision: 'allowed', matchedStatements: [], missingContextKeys: [], message: null };

  const [basis, sessionPolicies] = await Promise.all([basisOf(deps, principal), sessionPoliciesFor(deps, principal)]);
  const { refusedBy, ...result } = evaluate(deps, principal, basis, sessionPolicies, action, resource, context);
  const message =
    result.decision === 'allowed'
      ? null
      : deniedMessage(
          principal.arn,
          action,
          resource,
          result.decision === 'explicitDeny'
            ? `with an explicit deny in ${WITH_ARTICLE[refusedBy!]}`
            : `because no ${refusedBy} allows the ${action} action`,
        );
  return { ...base, ...result, message };
}

/** `authorize`, throwing AccessDenied (with AWS's message) unless the request is allowed. */
export async function assertAuthorized(
  deps: Deps,
  principal: Principal,
  action: string,
  resource: string,
  context: AuthorizationContext = {},
  options: AuthorizeOptions = {},
): Promise<Authorization> {
  const result = await authorize(deps, principal, action, resource, context, options);
  if (result.decision !== 'allowed') throw new GatehouseError('AccessDenied', result.message!);
  return result;
}

/**
 * Several decisions for one principal, loading its policies once: what the console
 * uses to decide which links and sections a signed-in principal sees.
 */
export async function decideMany(
  deps: Deps,
  principal: Principal,
  requests: ReadonlyArray<{ action: string; resource: string }>,
  context: AuthorizationContext = {},
): Promise<boolean[]> {
  if (principal.type === 'root')
    return requests.map((r) => accountOfArn(r.resource) === '' || accountOfArn(r.resource) === principal.accountId);
  const [basis, sessionPolicies] = await Promise.all([basisOf(deps, principal), sessionPoliciesFor(deps, principal)]);
  return requests.map(({ action, resource }) => {
    const account = accountOfArn(resource);
    if (account !== '' && account !== 'aws' && account !== principal.accountId) return false;
    return evaluate(deps, principal, basis, sessionPolicies, action, resource, context).decision === 'allowed';
  });
}
