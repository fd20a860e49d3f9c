import type { Db } from '../db/database.ts';
import { GatehouseError } from '../shared/errors.ts';
import { type UserRecord, findUserByName } from './user.repository.ts';

/** AWS's NoSuchEntity for a user name that names no user of the account. */
export function noSuchUser(name: string): GatehouseError {
  return new GatehouseError('NoSuchEntity', `The user with name ${name} cannot be found.`, { field: 'userName' });
}

/** The user `name` names in the account (ignoring case, as AWS does), or NoSuchEntity. */
export async function requireUserByName(db: Db, accountId: string, name: string): Promise<UserRecord> {
  const user = await findUserByName(db, accountId, name);
  if (!user) throw noSuchUser(name);
  return user;
}
