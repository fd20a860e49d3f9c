import { findAccount, findRootUser, updateRootPasswordHash } from '../accounts/account.repository.ts';
import type { Principal } from '../accounts/principal.ts';
import { type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import { isUniqueViolation } from '../db/database.ts';
import { assertHashable, checkNewPassword } from '../passwords/password-check.ts';
import { rememberPassword } from '../passwords/password-history.repository.ts';
import { clearRestriction, deleteSessionsOfPrincipal } from '../sessions/session.repository.ts';
import type { Deps } from '../shared/deps.ts';
import { GatehouseError } from '../shared/errors.ts';
import { newUserId } from '../shared/ids.ts';
import { validatePath, validateUserName } from '../shared/validation.ts';
import {
  type UserRecord,
  deleteLoginProfileRow,
  deleteUserRow,
  findLoginProfile,
  findUserByName,
  insertUser,
  upsertLoginProfile,
} from './user.repository.ts';

export interface NewUser {
  name: string;
  path?: string;
  /** When given, the user gets a login profile (console password) at once. */
  password?: string;
  passwordResetRequired?: boolean;
  isAdmin?: boolean;
}

function noSuchUser(name: string): GatehouseError {
  return new GatehouseError('NoSuchEntity', `The user with name ${name} cannot be found.`, { field: 'userName' });
}

export async function createUser(deps: Deps, accountId: string, input: NewUser, actor: Actor, meta: RequestMeta): Promise<UserRecord> {
  const name = validateUserName('userName', input.name);
  const path = validatePath('path', input.path ?? '/');
  let passwordHash: string | null = null;
  if (input.password !== undefined) {
    assertHashable(input.password);
    const account = await findAccount(deps.db, accountId);
    checkNewPassword(input.password, { accountName: account?.name, userName: name });
    passwordHash = await deps.hasher.hash(input.password);
  }
  const now = deps.clock.now().toISOString();
  const user: UserRecord = {
    id: newUserId(),
    accountId,
    name,
    path,
    isAdmin: input.isAdmin ?? false,
    contactEmail: null,
    createdAt: now,
  };
  try {
    await deps.db.transaction().execute(async (tx) => {
      if (await findUserByName(tx, accountId, name)) throw alreadyExists(name);
      await insertUser(tx, user);
      await recordAudit(tx, deps, meta, { accountId, actor, eventName: 'CreateUser', target: { id: user.id, name } });
      if (passwordHash) {
        await upsertLoginProfile(tx, {
          userId: user.id,
          passwordHash,
          passwordResetRequired: input.passwordResetRequired ?? false,
          passwordChangedAt: now,
          createdAt: now,
        });
        await rememberPassword(tx, user.id, passwordHash, now);
        await recordAudit(tx, deps, meta, {
          accountId,
          actor,
          eventName: 'CreateLoginProfile',
          target: { id: user.id, name },
          details: { passwordResetRequired: input.passwordResetRequired ?? false },
        });
      }
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw alreadyExists(name);
    throw error;
  }
  return user;
}

function alreadyExists(name: string): GatehouseError {
  return new GatehouseError('EntityAlreadyExists', `User with name ${name} already exists.`, { field: 'userName' });
}

export async function getUser(deps: Deps, accountId: string, name: string): Promise<UserRecord> {
  const user = await findUserByName(deps.db, accountId, name);
  if (!user) throw noSuchUser(name);
  return user;
}

/** Deletes a user; its console password and sessions go with it. */
export async function deleteUser(deps: Deps, accountId: string, name: string, actor: Actor, meta: RequestMeta): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const user = await findUserByName(tx, accountId, name);
    if (!user) throw noSuchUser(name);
    await deleteSessionsOfPrincipal(tx, user.id);
    await deleteLoginProfileRow(tx, user.id);
    await deleteUserRow(tx, user.id);
    await recordAudit(tx, deps, meta, { accountId, actor, eventName: 'DeleteUser', target: { id: user.id, name: user.name } });
  });
}

/**
 * An administrator sets or resets a user's console password (creating the login profile
 * when there is none). The user's sessions end: whoever held the old password is out.
 */
export async function setUserPassword(
  deps: Deps,
  accountId: string,
  name: string,
  password: string,
  passwordResetRequired: boolean,
  actor: Actor,
  meta: RequestMeta,
): Promise<'created' | 'updated'> {
  assertHashable(password);
  const user = await findUserByName(deps.db, accountId, name);
  if (!user) throw noSuchUser(name);
  const account = await findAccount(deps.db, accountId);
  checkNewPassword(password, { accountName: account?.name, userName: user.name });
  const passwordHash = await deps.hasher.hash(password);
  const now = deps.clock.now().toISOString();
  return deps.db.transaction().execute(async (tx) => {
    if (!(await findUserByName(tx, accountId, name))) throw noSuchUser(name);
    const existing = await findLoginProfile(tx, user.id);
    const outcome = await upsertLoginProfile(tx, {
      userId: user.id,
      passwordHash,
      passwordResetRequired,
      passwordChangedAt: now,
      createdAt: existing?.createdAt ?? now,
    });
    await rememberPassword(tx, user.id, passwordHash, now);
    await deleteSessionsOfPrincipal(tx, user.id);
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: outcome === 'created' ? 'CreateLoginProfile' : 'UpdateLoginProfile',
      target: { id: user.id, name: user.name },
      details: { passwordResetRequired },
    });
    return outcome;
  });
}

/**
 * A principal changes its own password: the current one is required, the new one
 * must pass the rules, every other session of the principal ends, and the current
 * session's "password change required" restriction is lifted.
 */
export async function changeOwnPassword(
  deps: Deps,
  principal: Principal,
  currentPassword: string,
  newPassword: string,
  currentSessionId: string | null,
  meta: RequestMeta,
): Promise<void> {
  assertHashable(currentPassword, 'currentPassword');
  assertHashable(newPassword, 'newPassword');
  const storedHash =
    principal.type === 'root'
      ? (await findRootUser(deps.db, principal.accountId))?.passwordHash
      : (await findLoginProfile(deps.db, principal.id))?.passwordHash;
  const actor: Actor = { type: principal.type, id: principal.id, name: principal.name };
  const currentOk = storedHash ? await deps.hasher.verify(storedHash, currentPassword) : await deps.hasher.verifyDummy(currentPassword);
  if (!currentOk) {
    throw new GatehouseError('InvalidCredentials', 'The current password is incorrect.', { field: 'currentPassword' });
  }
  try {
    checkNewPassword(newPassword, {
      email: principal.type === 'root' ? principal.email : null,
      accountName: principal.accountName,
      userName: principal.type === 'user' ? principal.name : null,
    });
  } catch (error) {
    if (error instanceof GatehouseError) throw new GatehouseError(error.code, error.message, { field: 'newPassword' });
    throw error;
  }
  if (await deps.hasher.verify(storedHash!, newPassword)) {
    throw new GatehouseError('PasswordPolicyViolation', 'The new password must be different from the current password.', {
      field: 'newPassword',
    });
  }
  const passwordHash = await deps.hasher.hash(newPassword);
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (tx) => {
    if (principal.type === 'root') {
      await updateRootPasswordHash(tx, principal.accountId, passwordHash, now);
    } else {
      await upsertLoginProfile(tx, {
        userId: principal.id,
        passwordHash,
        passwordResetRequired: false,
        passwordChangedAt: now,
        createdAt: now,
      });
    }
    await rememberPassword(tx, principal.id, passwordHash, now);
    await deleteSessionsOfPrincipal(tx, principal.id, currentSessionId ?? undefined);
    if (currentSessionId) await clearRestriction(tx, currentSessionId);
    await recordAudit(tx, deps, meta, {
      accountId: principal.accountId,
      actor,
      eventName: principal.type === 'root' ? 'PasswordUpdated' : 'ChangePassword',
      target: { id: principal.id, name: principal.name },
    });
  });
}
