import { type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import { decisionsOf, findPolicyHolder, holderEvent } from './policy-holder.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError } from '../shared/errors.ts';
import { newRowId } from '../shared/ids.ts';
import type { PolicyHolderType } from './attachment.repository.ts';
import { POLICY_SIZE_LIMITS, policySize } from '../policy-engine/document.ts';
import { validateIdentityPolicy } from '../policy-engine/grammar/policy-validator.ts';
import {
  deleteInlinePolicyRow,
  findInlinePolicy,
  listInlinePolicies,
  upsertInlinePolicy,
} from './inline-policy.repository.ts';
import { validateEntityName, validatePolicyDocumentText } from './names.ts';

/**
 * Inline policies: documents embedded in one user or group, named within it, deleted
 * with it. AWS limits the sum of an identity's inline policies (white space not
 * counted): 2,048 characters for a user, 5,120 for a group.
 */

function noSuchInline(type: PolicyHolderType, policyName: string): GatehouseError {
  return new GatehouseError('NoSuchEntity', `The ${type} policy with name ${policyName} cannot be found.`, {
    field: 'policyName',
  });
}

/** Creates the named inline policy, or replaces its document. */
export async function putInlinePolicy(
  deps: Deps,
  accountId: string,
  ownerType: PolicyHolderType,
  ownerName: string,
  policyName: string,
  document: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  const name = validateEntityName('policyName', policyName);
  validateIdentityPolicy(validatePolicyDocumentText('policyDocument', document));
  const limit = POLICY_SIZE_LIMITS[`${ownerType}Inline`];
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (tx) => {
    const owner = await findPolicyHolder(tx, accountId, ownerType, ownerName);
    const others = (await listInlinePolicies(tx, owner.type, [owner.id])).filter((p) => p.name !== name);
    const total = others.reduce((sum, p) => sum + policySize(p.document), policySize(document));
    if (total > limit) {
      throw new GatehouseError(
        'LimitExceeded',
        `Maximum policy size of ${limit} bytes exceeded for ${owner.type} ${owner.name}`,
        { field: 'policyDocument' },
      );
    }
    const outcome = await upsertInlinePolicy(tx, {
      accountId,
      ownerType: owner.type,
      ownerId: owner.id,
      name,
      document,
      revision: newRowId(deps.clock.now()),
      createdAt: now,
      updatedAt: now,
    });
    await deps.invalidations.record(tx, decisionsOf(accountId, owner));
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: holderEvent('Put', owner.type, 'Policy'),
      target: { id: owner.id, name: owner.name },
      details: { policyName: name, outcome, document },
    });
  });
}

export async function getInlinePolicy(
  deps: Deps,
  accountId: string,
  ownerType: PolicyHolderType,
  ownerName: string,
  policyName: string,
): Promise<{ ownerName: string; policyName: string; document: string }> {
  const owner = await findPolicyHolder(deps.db, accountId, ownerType, ownerName);
  const policy = await findInlinePolicy(deps.db, owner.type, owner.id, policyName);
  if (!policy) throw noSuchInline(ownerType, policyName);
  return { ownerName: owner.name, policyName: policy.name, document: policy.document };
}

export async function deleteInlinePolicy(
  deps: Deps,
  accountId: string,
  ownerType: PolicyHolderType,
  ownerName: string,
  policyName: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const owner = await findPolicyHolder(tx, accountId, ownerType, ownerName);
    if (!(await deleteInlinePolicyRow(tx, owner.type, owner.id, policyName))) throw noSuchInline(ownerType, policyName);
    await deps.invalidations.record(tx, decisionsOf(accountId, owner));
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: holderEvent('Delete', owner.type, 'Policy'),
      target: { id: owner.id, name: owner.name },
      details: { policyName },
    });
  });
}

/** The names of a user's or group's inline policies, in order. */
export async function listInlinePolicyNames(
  deps: Deps,
  accountId: string,
  ownerType: PolicyHolderType,
  ownerName: string,
): Promise<string[]> {
  const owner = await findPolicyHolder(deps.db, accountId, ownerType, ownerName);
  return (await listInlinePolicies(deps.db, owner.type, [owner.id])).map((p) => p.name);
}
