import type { Db } from '../db/database.ts';
import { GatehouseError } from '../shared/errors.ts';
import { type RoleRecord, findRoleByName } from './role.repository.ts';

export function noSuchRole(name: string): GatehouseError {
  return new GatehouseError('NoSuchEntity', `The role with name ${name} cannot be found.`, { field: 'roleName' });
}

/** The named role of the account; NoSuchEntity with AWS's message when there is none. */
export async function requireRoleByName(db: Db, accountId: string, name: string): Promise<RoleRecord> {
  const role = await findRoleByName(db, accountId, name);
  if (!role) throw noSuchRole(name);
  return role;
}
