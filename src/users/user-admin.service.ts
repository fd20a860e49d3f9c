import { requireUserByName } from '../identities/user-lookup.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import { isUniqueViolation } from '../db/database.ts';
import { deleteSessionsOfPrincipal } from '../sessions/session.repository.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError } from '../shared/errors.ts';
import { validatePath, validateUserName } from '../shared/validation.ts';
import {
  type LoginProfileRecord,
  type UserRecord,
  deleteLoginProfileRow,
  findLoginProfile,
  findUserByName,
  setPasswordResetRequired,
  updateUserNameAndPath,
} from '../identities/user.repository.ts';

/** Administrator operations on a user beyond create/delete/password, shared by the IAM API and the console. */

/** What the console's page of a user shows besides the user: its console password (null: none), and the last changes made to it. */
export async function userPageFacts(deps: Deps, accountId: string, user: UserRecord) {
  const [profile, events] = await Promise.all([
    findLoginProfile(deps.db, user.id),
    listAuditEvents(deps.db, { accountId, targetId: user.id, limit: 20 }),
  ]);
  return { profile, events };
}

function noLoginProfile(name: string): GatehouseError {
  return new GatehouseError('NoSuchEntity', `Login Profile for User ${name} cannot be found.`);
}

/** Renames a user and/or moves it to another path; its ID, keys and password stay. */
export async function updateUser(
  deps: Deps,
  accountId: string,
  name: string,
  change: { newName?: string; newPath?: string },
  actor: Actor,
  meta: RequestMeta,
): Promise<UserRecord> {
  const newName = change.newName !== undefined ? validateUserName('newUserName', change.newName) : undefined;
  const newPath = change.newPath !== undefined ? validatePath('newPath', change.newPath) : undefined;
  try {
    return await deps.db.transaction().execute(async (tx) => {
      const user = await requireUserByName(tx, accountId, name);
      const target = newName ?? user.name;
      if (
        newName &&
        newName.toLowerCase() !== user.name.toLowerCase() &&
        (await findUserByName(tx, accountId, newName))
      ) {
        throw new GatehouseError('EntityAlreadyExists', `User with name ${newName} already exists.`);
      }
      const path = newPath ?? user.path;
      await updateUserNameAndPath(tx, user.id, target, path);
      await deps.invalidations.record(tx, { topic: 'principal', key: user.id });
      await recordAudit(tx, deps, meta, {
        accountId,
        actor,
        eventName: 'UpdateUser',
        target: { id: user.id, name: target },
        details: { previousName: user.name, previousPath: user.path, newName: target, newPath: path },
      });
      return { ...user, name: target, path };
    });
  } catch (error) {
    if (isUniqueViolation(error))
      throw new GatehouseError('EntityAlreadyExists', `User with name ${newName} already exists.`);
    throw error;
  }
}

export async function getLoginProfile(
  deps: Deps,
  accountId: string,
  name: string,
): Promise<{ user: UserRecord; profile: LoginProfileRecord }> {
  const user = await requireUserByName(deps.db, accountId, name);
  const profile = await findLoginProfile(deps.db, user.id);
  if (!profile) throw noLoginProfile(user.name);
  return { user, profile };
}

/** Sets or clears "must choose a new password at next sign-in" without changing the password. */
export async function setLoginProfileResetRequired(
  deps: Deps,
  accountId: string,
  name: string,
  required: boolean,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const user = await requireUserByName(tx, accountId, name);
    if (!(await findLoginProfile(tx, user.id))) throw noLoginProfile(user.name);
    await setPasswordResetRequired(tx, user.id, required);
    await deps.invalidations.record(tx, { topic: 'principal', key: user.id });
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: 'UpdateLoginProfile',
      target: { id: user.id, name: user.name },
      details: { passwordResetRequired: required },
    });
  });
}

/** Removes the user's console password (its access keys keep working) and ends its console sessions. */
export async function deleteLoginProfile(
  deps: Deps,
  accountId: string,
  name: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const user = await requireUserByName(tx, accountId, name);
    if (!(await deleteLoginProfileRow(tx, user.id))) throw noLoginProfile(user.name);
    await deleteSessionsOfPrincipal(tx, user.id);
    await deps.invalidations.record(tx, { topic: 'principal', key: user.id });
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: 'DeleteLoginProfile',
      target: { id: user.id, name: user.name },
    });
  });
}
