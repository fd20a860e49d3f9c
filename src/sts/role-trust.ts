import type { Deps } from '../deps.ts';
import { type Principal, rootArn } from '../identities/principal.ts';
import { type RoleRecord, roleArn } from '../identities/role.repository.ts';
import { authorize } from '../policies/authorization.service.ts';
import type { ContextValue } from '../policy-engine/context.ts';
import { type PolicyDocument, parsePolicyDocument } from '../policy-engine/document.ts';
import { type TrustPrincipal, evaluateTrust } from '../policy-engine/trust.ts';

/**
 * Trust policies as read, by role, while their text stays the same: `evaluateTrust` compiles a
 * document once per object, so an AssumeRole reads neither JSON nor wildcards again.
 */
const TRUST_DOCUMENTS_KEPT = 10_000;
const trustDocuments = new Map<string, { text: string; document: PolicyDocument }>();

function trustDocumentOf(role: RoleRecord): PolicyDocument {
  const kept = trustDocuments.get(role.id);
  if (kept?.text === role.trustPolicy) return kept.document;
  const document = parsePolicyDocument(role.trustPolicy);
  if (trustDocuments.size >= TRUST_DOCUMENTS_KEPT) trustDocuments.delete(trustDocuments.keys().next().value!);
  trustDocuments.set(role.id, { text: role.trustPolicy, document });
  return document;
}

/** Which side refused: the role's trust policy, or the caller's own policies. */
export type RefusingSide = 'trust-policy' | 'identity-policy';

/** How a trust policy names a principal: by its account, a user or role ARN, or the role session's ARN. */
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
 * Whether `principal` may take the STS `action` (`sts:AssumeRole`, `sts:TagSession`,
 * `sts:SetSourceIdentity`) on `role`, as AWS decides a request on a resource with a policy of
 * its own. A Deny on either side refuses. Then:
 * - another account's role: its trust policy and the caller's identity policies must both allow;
 * - a role of the caller's account: a trust policy that names the caller itself (its user, role
 *   or session ARN, or `*`) allows on its own; one that only names the account hands the
 *   decision to the caller's identity policies, which must allow too.
 * `trustContext` holds every key the trust policy may test (the principal's own among them);
 * `requestContext` the request's keys, to which the identity side adds the principal's.
 */
export async function decideOnRole(
  deps: Deps,
  principal: Principal,
  role: RoleRecord,
  action: string,
  trustContext: Readonly<Record<string, ContextValue>>,
  requestContext: Readonly<Record<string, ContextValue>>,
): Promise<{ allowed: true } | { allowed: false; refusedBy: RefusingSide }> {
  const document = trustDocumentOf(role);
  const pinned = new Map(Object.entries(role.trustPrincipalIds));
  const caller = trustPrincipalOf(principal);
  const trust = evaluateTrust(document, { principal: caller, action, context: trustContext, pinned });
  const identity = await authorize(
    deps,
    principal,
    action,
    roleArn(role.accountId, role.path, role.name),
    requestContext,
    {
      withResourcePolicy: true,
    },
  );
  if (trust.decision === 'explicitDeny') return { allowed: false, refusedBy: 'trust-policy' };
  if (identity.decision === 'explicitDeny') return { allowed: false, refusedBy: 'identity-policy' };
  if (trust.decision !== 'allowed') return { allowed: false, refusedBy: 'trust-policy' };
  if (identity.decision === 'allowed') return { allowed: true };
  if (role.accountId === principal.accountId) {
    // Asked again as a caller of no account: only statements naming the caller itself (or anyone) still apply.
    const namesCaller = evaluateTrust(document, {
      principal: { ...caller, accountId: '' },
      action,
      context: trustContext,
      pinned,
    });
    if (namesCaller.decision === 'allowed') return { allowed: true };
  }
  return { allowed: false, refusedBy: 'identity-policy' };
}
