import { type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import type { Db } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import { accountIdExists } from '../identities/account.repository.ts';
import { GatehouseError, invalid } from '../shared/errors.ts';
import { accountSlot } from '../caches/account-cache.ts';
import {
  type ServiceTrust,
  deleteServiceTrust,
  insertServiceTrust,
  listServiceTrusts,
} from './service-trust.repository.ts';

/**
 * Which services may ask the authorization API about requests signed with an account's keys.
 * The account's own services may ask about any service name until the account lists names for
 * itself; another account's services may ask only about the names the account lists for them.
 * `*` stands for every name. Gatehouse's own services (`iam`, `sts`, `gatehouse`) are never
 * judged for a service: a request signed for Gatehouse is meant for Gatehouse alone.
 */

/** Service names a forwarded request may be scoped to: SigV4's form, Gatehouse's own left out. */
const SERVICE_NAME = /^[a-z0-9-]{1,32}$/;
export const GATEHOUSE_SERVICES: ReadonlySet<string> = new Set(['iam', 'sts', 'gatehouse']);

export interface TrustChange {
  accountId: string;
  trustedAccountId: string;
  service: string;
}

function checkService(service: string): void {
  if (service === '*') return;
  if (!SERVICE_NAME.test(service))
    throw invalid('service', 'A service name is 1 to 32 lower-case letters, digits and hyphens, or * for any.');
  if (GATEHOUSE_SERVICES.has(service))
    throw invalid('service', `${service} is a service of Gatehouse itself; no other service judges its requests.`);
}

async function checkAccounts(deps: Deps, change: TrustChange): Promise<void> {
  for (const id of [change.accountId, change.trustedAccountId]) {
    if (!(await accountIdExists(deps.db, id)))
      throw new GatehouseError('NoSuchEntity', `The account ${id} does not exist.`);
  }
}

/** Writes one change with `write` and, when it changed something, its audit event, in one transaction. */
function changeTrust(
  deps: Deps,
  change: TrustChange,
  eventName: 'AddServiceTrust' | 'RemoveServiceTrust',
  write: (tx: Db) => Promise<boolean>,
  actor: Actor,
  meta: RequestMeta,
): Promise<boolean> {
  return deps.db.transaction().execute(async (tx) => {
    const changed = await write(tx);
    if (changed) {
      await recordAudit(tx, deps, meta, {
        accountId: change.accountId,
        actor,
        eventName,
        target: { id: change.trustedAccountId, name: change.service },
      });
      await deps.invalidations.record(tx, { topic: 'account', key: change.accountId });
    }
    return changed;
  });
}

/** Lets the services of `trustedAccountId` judge requests to `service` signed with `accountId`'s keys. */
export async function addServiceTrust(
  deps: Deps,
  change: TrustChange,
  actor: Actor,
  meta: RequestMeta,
): Promise<boolean> {
  checkService(change.service);
  await checkAccounts(deps, change);
  const createdAt = deps.clock.now().toISOString();
  return changeTrust(
    deps,
    change,
    'AddServiceTrust',
    (tx) => insertServiceTrust(tx, { ...change, createdAt }),
    actor,
    meta,
  );
}

export function removeServiceTrust(deps: Deps, change: TrustChange, actor: Actor, meta: RequestMeta): Promise<boolean> {
  return changeTrust(deps, change, 'RemoveServiceTrust', (tx) => deleteServiceTrust(tx, change), actor, meta);
}

export function listTrusts(deps: Deps, accountId: string): Promise<ServiceTrust[]> {
  return listServiceTrusts(deps.db, accountId);
}

/** An account's trusts as service names by trusted account, kept while the invalidation feed vouches for them. */
const SERVICE_TRUSTS = accountSlot<ReadonlyMap<string, readonly string[]>>('service-trusts');

function trustsOf(deps: Deps, accountId: string): Promise<ReadonlyMap<string, readonly string[]>> {
  return deps.caches.accounts.getOrLoad(SERVICE_TRUSTS, accountId, deps.clock.now(), async () => {
    const byAccount = new Map<string, string[]>();
    for (const trust of await listServiceTrusts(deps.db, accountId)) {
      const names = byAccount.get(trust.trustedAccountId);
      if (names) names.push(trust.service);
      else byAccount.set(trust.trustedAccountId, [trust.service]);
    }
    return byAccount;
  });
}

/**
 * Whether the services of `serviceAccountId` may judge a request to `service` signed with a key
 * of `keyAccountId`.
 */
export async function mayJudge(
  deps: Deps,
  keyAccountId: string,
  serviceAccountId: string,
  service: string,
): Promise<boolean> {
  if (GATEHOUSE_SERVICES.has(service)) return false;
  const names = (await trustsOf(deps, keyAccountId)).get(serviceAccountId);
  if (!names) return keyAccountId === serviceAccountId;
  return names.includes('*') || names.includes(service);
}
