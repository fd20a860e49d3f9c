import type { Deps } from '../deps.ts';
import { GatehouseError } from '../shared/errors.ts';
import type { PolicyHolderType } from './attachment.repository.ts';
import { listAttachedPolicies } from './attachment.service.ts';
import { isAwsManagedArn } from './aws-managed.ts';
import { getInlinePolicy } from './inline-policy.service.ts';
import { type ManagedPolicy, listPolicies } from './managed-policy.service.ts';

/**
 * What the console's pages of a policy holder (a user or a group) show of its policies, loaded
 * through the services the Query API uses. Whether the person may make a change is the caller's
 * to decide (its route's access, on its holder): each loader takes that decision as a function.
 */

/** Whether the person may make the change with this policy ARN (attach it, detach it, set it as boundary). */
export type MayWithPolicy = (policyArn: string) => Promise<boolean>;

export interface AttachedPolicyView {
  policyName: string;
  policyArn: string;
  awsManaged: boolean;
  mayDetach: boolean;
}

export interface PolicyChoice {
  policy: ManagedPolicy;
  /** Attached already (attach page) or the current boundary (boundary page). */
  current: boolean;
  mayChoose: boolean;
}

export interface InlinePolicyView {
  /** The user's or group's name, as stored. */
  holderName: string;
  policyName: string;
  document: string;
  mayEdit: boolean;
  mayDelete: boolean;
}

/**
 * The holder's attached managed policies in name order, each with whether it may be detached,
 * and whether the attach page would offer one to attach (stops at the first such policy; none
 * when `may.attach` is null, or when the holder has `may.quota` attached already).
 */
export async function loadAttachedPolicies(
  deps: Deps,
  accountId: string,
  holder: { type: PolicyHolderType; name: string },
  may: { detach: MayWithPolicy; attach: MayWithPolicy | null; quota?: number },
): Promise<{ attached: AttachedPolicyView[]; mayAttach: boolean }> {
  const found = (await listAttachedPolicies(deps, accountId, holder.type, holder.name)).sort((a, b) =>
    a.policyName.localeCompare(b.policyName),
  );
  const attached = await Promise.all(
    found.map(async (a) => ({
      ...a,
      awsManaged: isAwsManagedArn(a.policyArn),
      mayDetach: await may.detach(a.policyArn),
    })),
  );
  let mayAttach = false;
  if (may.attach && !(may.quota !== undefined && found.length >= may.quota)) {
    const taken = new Set(found.map((a) => a.policyArn));
    for (const policy of await listPolicies(deps, accountId)) {
      if (taken.has(policy.arn)) continue;
      if (await may.attach(policy.arn)) {
        mayAttach = true;
        break;
      }
    }
  }
  return { attached, mayAttach };
}

/** The policies a holder could be given, each with whether the person may attach it (`iam:PolicyARN` decided per policy). */
export async function loadAttachChoices(
  deps: Deps,
  accountId: string,
  holder: { type: PolicyHolderType; name: string },
  mayAttach: MayWithPolicy,
): Promise<{ attachedCount: number; policies: PolicyChoice[] }> {
  const [attached, policies] = await Promise.all([
    listAttachedPolicies(deps, accountId, holder.type, holder.name),
    listPolicies(deps, accountId),
  ]);
  const taken = new Set(attached.map((a) => a.policyArn));
  return {
    attachedCount: attached.length,
    policies: await Promise.all(
      policies.map(async (policy) => ({
        policy,
        current: taken.has(policy.arn),
        mayChoose: !taken.has(policy.arn) && (await mayAttach(policy.arn)),
      })),
    ),
  };
}

/**
 * A managed policy attached to the holder, for the detach confirmation; NoSuchEntity with
 * DetachUserPolicy's (DetachGroupPolicy's) message when it is not attached.
 */
export async function findAttachedPolicy(
  deps: Deps,
  accountId: string,
  holder: { type: PolicyHolderType; name: string },
  policyArn: string,
): Promise<{ policyName: string; policyArn: string }> {
  const attached = await listAttachedPolicies(deps, accountId, holder.type, holder.name);
  const found = attached.find((a) => a.policyArn === policyArn);
  if (!found) throw new GatehouseError('NoSuchEntity', `Policy ${policyArn} was not found.`, { field: 'policyArn' });
  return found;
}

/**
 * One inline policy of a user or group, with whether the person may replace or delete it
 * (decided on the holder's name as stored); NoSuchEntity with GetUserPolicy's (GetGroupPolicy's) message otherwise.
 */
export async function loadInlinePolicyView(
  deps: Deps,
  accountId: string,
  holder: { type: PolicyHolderType; name: string },
  policyName: string,
  may: { edit: (holderName: string) => Promise<boolean>; delete: (holderName: string) => Promise<boolean> },
): Promise<InlinePolicyView> {
  const policy = await getInlinePolicy(deps, accountId, holder.type, holder.name, policyName);
  const [mayEdit, mayDelete] = await Promise.all([may.edit(policy.ownerName), may.delete(policy.ownerName)]);
  return { holderName: policy.ownerName, policyName: policy.policyName, document: policy.document, mayEdit, mayDelete };
}
