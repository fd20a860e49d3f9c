import type { Deps } from '../deps.ts';
import type { Principal } from '../identities/principal.ts';
import { type RoleRecord, roleArn } from '../identities/role.repository.ts';
import { decideWithResourcePolicy } from '../policies/resource-policy-decision.ts';
import type { ContextValue } from '../policy-engine/context.ts';
import { type PolicyDocument, parsePolicyDocument } from '../policy-engine/document.ts';
import { evaluateTrust } from '../policy-engine/trust.ts';

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

/**
 * Whether `principal` may take the STS `action` (`sts:AssumeRole`, `sts:TagSession`,
 * `sts:SetSourceIdentity`) on `role`: `decideWithResourcePolicy`, with the role's trust policy
 * as a policy that must allow even within the role's own account.
 */
export async function decideOnRole(
  deps: Deps,
  principal: Principal,
  role: RoleRecord,
  action: string,
  trustContext: Readonly<Record<string, ContextValue>>,
  requestContext: Readonly<Record<string, ContextValue>>,
): Promise<{ allowed: true } | { allowed: false; refusedBy: RefusingSide }> {
  const decision = await decideWithResourcePolicy(
    deps,
    principal,
    action,
    roleArn(role.accountId, role.path, role.name),
    {
      document: trustDocumentOf(role),
      pinned: new Map(Object.entries(role.trustPrincipalIds)),
      accountId: role.accountId,
      mustAllow: true,
      matchesResource: false,
    },
    trustContext,
    requestContext,
  );
  if (decision.allowed) return decision;
  return { allowed: false, refusedBy: decision.refusedBy === 'resource-policy' ? 'trust-policy' : 'identity-policy' };
}

/**
 * Whether a web identity signed in through the identity provider `providerArn` may take
 * `action` on `role`. Its trust policy alone decides, for such a caller has no policies of its
 * own: only a statement naming the provider (`"Federated"`) or anyone (`*`) can allow it.
 */
export function trustAllowsFederated(
  role: RoleRecord,
  providerArn: string,
  action: string,
  context: Readonly<Record<string, ContextValue>>,
): boolean {
  const trust = evaluateTrust(trustDocumentOf(role), {
    principal: { accountId: role.accountId, uniqueId: '', arns: [], federated: providerArn },
    action,
    context,
    pinned: new Map(Object.entries(role.trustPrincipalIds)),
  });
  return trust.decision === 'allowed';
}
