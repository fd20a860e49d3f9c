import type { Actor, RequestMeta } from '../audit/audit.service.ts';
import { decideAccess } from '../authz/console-access.ts';
import type { ConsoleCaller } from '../authz/console-authorization.ts';
import type { Deps } from '../deps.ts';
import type { RoleRecord } from '../identities/role.repository.ts';
import { attachPolicy } from '../policies/attachment.service.ts';
import type { ManagedPolicy } from '../policies/managed-policy.service.ts';
import { parsePolicyDocument } from '../policy-engine/document.ts';
import { trustSummary } from '../policy-engine/trust.ts';
import { GatehouseError } from '../shared/errors.ts';
import { ROLES_ACCESS } from './role-access.ts';
import { ROLE_ATTACHMENT_QUOTA, loadWizardPolicies } from './role-console.service.ts';
import { createRole } from './role.service.ts';
import { type TrustChoice, policyArnsOf, readTrustChoice, trustPolicyOf } from './role-wizard.ts';

/**
 * The create-role wizard's steps: which policies it offers and which were chosen, adding or
 * removing one (each decided as AttachRolePolicy on the new role would be), and the review.
 */

/** The wizard's answers, as its form fields carry them (`create-role.pages.ts`). */
export interface WizardAnswers {
  trustKind: string;
  otherAccount: string;
  externalId: string;
  requireMfa: string;
  trustPolicy: string;
  policyArns: string;
  roleName: string;
  description: string;
  maxSessionDuration: string;
}

const newRoleOf = (answers: WizardAnswers) => ({ roleName: answers.roleName.trim(), path: '/' });

/** The policies offered, each with whether the person may attach it, and the chosen ones that still exist. */
export async function wizardPolicies(deps: Deps, who: ConsoleCaller, answers: WizardAnswers) {
  const policies = await loadWizardPolicies(deps, who, newRoleOf(answers));
  const known = new Set(policies.map((p) => p.policy.arn));
  return { policies, chosen: policyArnsOf(answers.policyArns).filter((arn) => known.has(arn)) };
}

/**
 * The chosen policies with `add` added or `remove` removed, as the field carries them. Adding
 * is refused (AccessDenied naming the permission) when AttachRolePolicy on the new role would
 * be, and past the role's quota.
 */
export async function choosePolicy(
  deps: Deps,
  who: ConsoleCaller,
  answers: WizardAnswers,
  change: { add: string } | { remove: string },
): Promise<string> {
  const chosen = policyArnsOf(answers.policyArns);
  if ('remove' in change) return chosen.filter((arn) => arn !== change.remove).join(' ');
  if (chosen.includes(change.add)) return chosen.join(' ');
  await assertMayAttach(deps, who, answers, change.add);
  if (chosen.length >= ROLE_ATTACHMENT_QUOTA)
    throw new GatehouseError('LimitExceeded', `Cannot exceed quota for PoliciesPerRole: ${ROLE_ATTACHMENT_QUOTA}`, {
      field: 'policyArns',
    });
  return [...chosen, change.add].join(' ');
}

/** AccessDenied in the console's words unless the person may attach `policyArn` to the role being created. */
export async function assertMayAttach(
  deps: Deps,
  who: ConsoleCaller,
  answers: WizardAnswers,
  policyArn: string,
): Promise<void> {
  const input = { params: {}, body: { ...newRoleOf(answers), policyArn } };
  const decision = await decideAccess(deps, who, ROLES_ACCESS.attachToNew, input);
  if (!decision.allowed) throw new GatehouseError('AccessDenied', decision.message, { field: 'policyArns' });
}

/** The trust step's answers, checked, and the trust policy they make. */
export function wizardTrust(answers: WizardAnswers, accountId: string): { choice: TrustChoice; policy: string } {
  const choice = readTrustChoice(answers);
  return { choice, policy: trustPolicyOf(choice, accountId) };
}

/** What the last page reviews: the trust policy in words, and the chosen policies. */
export async function wizardReview(
  deps: Deps,
  who: ConsoleCaller,
  answers: WizardAnswers,
): Promise<{ trustLines: string[]; chosen: ManagedPolicy[] }> {
  const { policy } = wizardTrust(answers, who.principal.accountId);
  const { policies, chosen } = await wizardPolicies(deps, who, answers);
  const byArn = new Map(policies.map((p) => [p.policy.arn, p.policy]));
  return {
    trustLines: trustSummary(parsePolicyDocument(policy)),
    chosen: chosen.map((arn) => byArn.get(arn)!),
  };
}

/**
 * Creates the role the wizard describes, as CreateRole does, then attaches its chosen policies
 * as AttachRolePolicy does. Every answer is checked first, attaching included, so a refused
 * policy creates no role. (The role and its attachments are separate changes, as in the AWS
 * console: a policy deleted in between leaves the role without it, and the error says so.)
 */
export async function createRoleFromWizard(
  deps: Deps,
  who: ConsoleCaller,
  answers: WizardAnswers,
  actor: Actor,
  meta: RequestMeta,
): Promise<RoleRecord> {
  const { accountId } = who.principal;
  const { policy } = wizardTrust(answers, accountId);
  const { chosen } = await wizardPolicies(deps, who, answers);
  const unknown = policyArnsOf(answers.policyArns).find((arn) => !chosen.includes(arn));
  if (unknown !== undefined)
    throw new GatehouseError('NoSuchEntity', `Policy ${unknown} does not exist or is not attachable.`, {
      field: 'policyArns',
    });
  for (const arn of chosen) await assertMayAttach(deps, who, answers, arn);
  const seconds = /^\d{1,6}$/.test(answers.maxSessionDuration) ? Number(answers.maxSessionDuration) : Number.NaN;
  const role = await createRole(
    deps,
    accountId,
    {
      name: answers.roleName.trim(),
      trustPolicy: policy,
      ...(answers.description.trim() ? { description: answers.description.trim() } : {}),
      maxSessionDuration: seconds,
    },
    actor,
    meta,
  );
  for (const arn of chosen) await attachPolicy(deps, accountId, 'role', role.name, arn, actor, meta);
  return role;
}
