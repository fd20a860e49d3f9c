import type { Deps } from '../deps.ts';
import { deleteExpiredPayloads } from './oidc-storage.repository.ts';

/** Removes the provider's records (sessions, interactions, codes, tokens, grants) past their expiry. */
export async function purgeExpiredOidcRecords(deps: Deps): Promise<number> {
  return deleteExpiredPayloads(deps.db, deps.clock.now().toISOString());
}
