import { requireUserByName } from '../identities/user-lookup.ts';
import type { Principal } from '../identities/principal.ts';
import { type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import type { Db } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError } from '../shared/errors.ts';
import { setPermissionsBoundary } from '../identities/user.repository.ts';
import type { PolicyCache } from '../policy-engine/compile.ts';
import type { PolicyInput } from '../policy-engine/evaluate.ts';
import { managedPolicyInputs } from './managed-policy-inputs.ts';

/**
 * Permissions boundaries: a managed policy set on a user that caps what the user's own
 * policies (and its groups') can grant. It grants nothing by itself. Typical use: an
 * administrator may create users only with a given boundary (condition key
 * `iam:PermissionsBoundary`), so delegated administrators cannot create anyone more
 * powerful than themselves.
 */

function noSuchBoundary(arn: string): GatehouseError {
  return new GatehouseError('NoSuchEntity', `Policy ${arn} does not exist or is not attachable.`, {
    field: 'permissionsBoundary',
  });
}

/** The boundary `arn` as a policy input (AWS managed, or customer managed in this account), or null when there is none. */
async function boundaryPolicy(db: Db, cache: PolicyCache, accountId: string, arn: string): Promise<PolicyInput | null> {
  return (await managedPolicyInputs(db, cache, accountId, [arn]))[0] ?? null;
}

/** Refuses (NoSuchEntity) an ARN that names no managed policy this account can use. */
export async function assertBoundaryPolicy(db: Db, cache: PolicyCache, accountId: string, arn: string): Promise<void> {
  if (!(await boundaryPolicy(db, cache, accountId, arn))) throw noSuchBoundary(arn);
}

/**
 * The boundary of a principal, ready to evaluate: null when it has none (the root user never
 * does). A boundary whose policy was deleted meanwhile allows nothing, as in AWS.
 */
export async function boundaryOf(
  deps: Pick<Deps, 'db' | 'caches'>,
  principal: Principal,
): Promise<PolicyInput[] | null> {
  if (principal.type === 'root' || !principal.permissionsBoundary) return null;
  const policy = await boundaryPolicy(
    deps.db,
    deps.caches.policies,
    principal.accountId,
    principal.permissionsBoundary,
  );
  return policy ? [policy] : [];
}

export async function putUserPermissionsBoundary(
  deps: Deps,
  accountId: string,
  userName: string,
  arn: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await setBoundary(deps, accountId, userName, arn, actor, meta);
}

export async function deleteUserPermissionsBoundary(
  deps: Deps,
  accountId: string,
  userName: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await setBoundary(deps, accountId, userName, null, actor, meta);
}

/** Sets (an ARN) or removes (null) a user's boundary, audited, in one transaction. */
async function setBoundary(
  deps: Deps,
  accountId: string,
  userName: string,
  arn: string | null,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const user = await requireUserByName(tx, accountId, userName);
    if (arn) await assertBoundaryPolicy(tx, deps.caches.policies, accountId, arn);
    await setPermissionsBoundary(tx, user.id, arn);
    await deps.invalidations.record(tx, { topic: 'principal', key: user.id });
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: arn ? 'PutUserPermissionsBoundary' : 'DeleteUserPermissionsBoundary',
      target: { id: user.id, name: user.name },
      details: { ...(arn ? { permissionsBoundary: arn } : {}), previous: user.permissionsBoundary },
    });
  });
}
