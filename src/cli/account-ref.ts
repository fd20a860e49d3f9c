import { findAccountByRef } from '../identities/account.repository.ts';
import type { Runtime } from '../runtime.ts';
import { GatehouseError } from '../shared/errors.ts';
import { normaliseAccountRef } from '../shared/validation.ts';

/** The ID of the account a command names by ID or alias (`--account`); NoSuchEntity when there is none. */
export async function accountIdOf(runtime: Runtime, ref: string): Promise<string> {
  const account = await findAccountByRef(runtime.deps.db, normaliseAccountRef(ref));
  if (!account) throw new GatehouseError('NoSuchEntity', `No account has the ID or alias ${ref}.`);
  return account.id;
}
