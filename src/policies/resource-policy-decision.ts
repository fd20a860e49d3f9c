import type { Deps } from '../deps.ts';
import { type Principal, rootArn } from '../identities/principal.ts';
import type { ContextValue } from '../policy-engine/context.ts';
import type { PolicyDocument } from '../policy-engine/document.ts';
import { type TrustPrincipal, evaluateTrust } from '../policy-engine/trust.ts';
import { type Authorization, authorize } from './authorization.service.ts';

/** A resource's own policy, judged beside the principal's: a role's trust policy, or one a service passes. */
export interface ResourcePolicy {
  document: PolicyDocument;
  /** ARN → the unique ID it named when the policy was saved (`evaluateTrust`). */
  pinned: ReadonlyMap<string, string>;
  /** The account the resource belongs to. */
  accountId: string;
  /**
   * The policy must allow even within its own account (a role's trust policy); otherwise, as for
   * most resources, either side may allow a principal of the resource's account.
   */
  mustAllow: boolean;
  /** Statements' Resource elements are matched against the resource (every policy but a trust policy). */
  matchesResource: boolean;
}

/** Which side refused, and whether with an explicit Deny. `identity` is the principal's side, as decided. */
export type ResourcePolicyDecision =
  | { allowed: true }
  | { allowed: false; refusedBy: 'resource-policy' | 'identity-policy'; explicit: boolean; identity: Authorization };

/** How a resource policy names a principal: by its account, a user or role ARN, or the role session's ARN. */
export function trustPrincipalOf(principal: Principal): TrustPrincipal {
  switch (principal.type) {
    case 'root':
      return { accountId: principal.accountId, uniqueId: principal.accountId, arns: [rootArn(principal.accountId)] };
    case 'user':
      return { accountId: principal.accountId, uniqueId: principal.id, arns: [principal.arn] };
    case 'assumed-role':
      return { accountId: principal.accountId, uniqueId: principal.id, arns: [principal.roleArn, principal.arn] };
  }
}

/**
 * Whether `principal` may take `action` on `resource`, which has a policy of its own, as AWS
 * decides it. A Deny on either side refuses. Then:
 * - a resource of another account: its policy and the principal's identity policies must both allow;
 * - a resource of the principal's account: a resource policy that names the principal itself (its
 *   user, role or session ARN, or `*`) allows on its own; one that only names the account hands
 *   the decision to the identity policies, which must allow too. Unless the policy `mustAllow`,
 *   the identity policies may also allow on their own.
 * `resourceContext` holds every key the resource policy may test (the principal's own among
 * them); `requestContext` the request's keys, to which the identity side adds the principal's.
 */
export async function decideWithResourcePolicy(
  deps: Deps,
  principal: Principal,
  action: string,
  resource: string,
  policy: ResourcePolicy,
  resourceContext: Readonly<Record<string, ContextValue>>,
  requestContext: Readonly<Record<string, ContextValue>>,
): Promise<ResourcePolicyDecision> {
  const caller = trustPrincipalOf(principal);
  const judge = (asCaller: TrustPrincipal) =>
    evaluateTrust(policy.document, {
      principal: asCaller,
      action,
      context: resourceContext,
      pinned: policy.pinned,
      ...(policy.matchesResource ? { resource } : {}),
    });
  const own = judge(caller);
  const identity = await authorize(deps, principal, action, resource, requestContext, { withResourcePolicy: true });
  const refuse = (refusedBy: 'resource-policy' | 'identity-policy', explicit = false): ResourcePolicyDecision => ({
    allowed: false,
    refusedBy,
    explicit,
    identity,
  });
  if (own.decision === 'explicitDeny') return refuse('resource-policy', true);
  if (identity.decision === 'explicitDeny') return refuse('identity-policy', true);
  const sameAccount = policy.accountId === principal.accountId;
  const resourceMustAllow = policy.mustAllow || !sameAccount;
  if (identity.decision === 'allowed' && (own.decision === 'allowed' || !resourceMustAllow)) return { allowed: true };
  // Asked again as a principal of no account: only statements naming the principal itself (or anyone) still apply.
  if (sameAccount && own.decision === 'allowed' && judge({ ...caller, accountId: '' }).decision === 'allowed')
    return { allowed: true };
  return refuse(resourceMustAllow && own.decision !== 'allowed' ? 'resource-policy' : 'identity-policy');
}
