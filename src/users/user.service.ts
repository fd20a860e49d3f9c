import { requireUserByName } from '../identities/user-lookup.ts';
import { findAccount, findRootUser, updateRootPasswordHash } from '../identities/account.repository.ts';
import { type Principal, actorOf } from '../identities/principal.ts';
import { type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import { isUniqueViolation } from '../db/database.ts';
import { noteRootPasswordChanged, noteUserPasswordSet } from '../notifications/credential-notices.ts';
import { assertHashable, checkNewPassword } from '../passwords/password-check.ts';
import { forgetPasswords, rememberPassword } from '../passwords/password-history.repository.ts';
import { clearRestriction, deleteSessionsOfPrincipal } from '../sessions/session.repository.ts';
import type { Deps } from '../deps.ts';
import { assertBoundaryPolicy } from '../policies/permissions-boundary.service.ts';
import { GatehouseError } from '../shared/errors.ts';
import { newUserId } from '../shared/ids.ts';
import { validatePath, validateUserName } from '../shared/validation.ts';
import { countAccessKeysOf, deleteCredentialsOfPrincipal } from '../access-keys/access-key.repository.ts';
import { countDevicesOf, releaseDevicesOf } from '../mfa/mfa.repository.ts';
import { listGroupsOfUser } from '../identities/group.repository.ts';
import { deleteAttachmentsOf, listAttachmentsOf } from '../policies/attachment.repository.ts';
import { deleteInlinePoliciesOf, listInlinePolicies } from '../policies/inline-policy.repository.ts';
import { type Tag, applyUserTags } from '../user-tags/user-tag.service.ts';
import {
  type UserRecord,
  deleteLoginProfileRow,
  deleteUserRow,
  findLoginProfile,
  findUserByName,
  insertUser,
  listUsers,
  upsertLoginProfile,
} from '../identities/user.repository.ts';

export interface NewUser {
  name: string;
  path?: string;
  /** When given, the user gets a login profile (console password) at once. */
  password?: string;
  passwordResetRequired?: boolean;
  isAdmin?: boolean;
  /** Tags written with the user, in the same transaction. */
  tags?: Tag[];
  /** ARN of a managed policy that caps what the user's policies can grant. */
  permissionsBoundary?: string;
}

export async function createUser(
  deps: Deps,
  accountId: string,
  input: NewUser,
  actor: Actor,
  meta: RequestMeta,
): Promise<UserRecord> {
  const name = validateUserName('userName', input.name);
  const path = validatePath('path', input.path ?? '/');
  let passwordHash: string | null = null;
  if (input.password !== undefined) {
    assertHashable(input.password);
    const account = await findAccount(deps.db, accountId);
    await checkNewPassword(deps, input.password, {
      accountId,
      type: 'user',
      principalId: null,
      context: { accountName: account?.name, userName: name },
    });
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
    permissionsBoundary: input.permissionsBoundary ?? null,
  };
  try {
    await deps.db.transaction().execute(async (tx) => {
      if (await findUserByName(tx, accountId, name)) throw alreadyExists(name);
      if (user.permissionsBoundary)
        await assertBoundaryPolicy(tx, deps.caches.policies, accountId, user.permissionsBoundary);
      await insertUser(tx, user);
      if (input.tags && input.tags.length > 0) await applyUserTags(tx, user.id, input.tags);
      await recordAudit(tx, deps, meta, {
        accountId,
        actor,
        eventName: 'CreateUser',
        target: { id: user.id, name },
        ...(user.permissionsBoundary ? { details: { permissionsBoundary: user.permissionsBoundary } } : {}),
      });
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
  const user = await requireUserByName(deps.db, accountId, name);
  return user;
}

/** The user named `name` in the account, or null (for pages that name a user who may not exist). */
export async function findUser(deps: Deps, accountId: string, name: string): Promise<UserRecord | null> {
  return findUserByName(deps.db, accountId, name);
}

/** The account's IAM users. */
export async function listUsersOf(deps: Deps, accountId: string): Promise<UserRecord[]> {
  return listUsers(deps.db, accountId);
}

/**
 * Deletes a user; its console password, access keys, tags and sessions go with it.
 * With `refuseWhileDependents` (the IAM API, as AWS) it refuses with DeleteConflict
 * while the user still has a console password, access keys, MFA devices, policies or
 * groups; without it (the console) they are removed with the user.
 */
export async function deleteUser(
  deps: Deps,
  accountId: string,
  name: string,
  actor: Actor,
  meta: RequestMeta,
  options: { refuseWhileDependents?: boolean } = {},
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const user = await requireUserByName(tx, accountId, name);
    if (options.refuseWhileDependents) {
      if (await findLoginProfile(tx, user.id)) {
        throw new GatehouseError('DeleteConflict', 'Cannot delete entity, must delete login profile first.');
      }
      if ((await countAccessKeysOf(tx, user.id)) > 0) {
        throw new GatehouseError('DeleteConflict', 'Cannot delete entity, must delete access keys first.');
      }
      if ((await countDevicesOf(tx, user.id)) > 0) {
        throw new GatehouseError('DeleteConflict', 'Cannot delete entity, must delete MFA device first.');
      }
      if ((await listInlinePolicies(tx, 'user', [user.id])).length > 0) {
        throw new GatehouseError('DeleteConflict', 'Cannot delete entity, must delete policies first.');
      }
      if ((await listAttachmentsOf(tx, 'user', [user.id])).length > 0) {
        throw new GatehouseError('DeleteConflict', 'Cannot delete entity, must detach all policies first.');
      }
      if ((await listGroupsOfUser(tx, user.id)).length > 0) {
        throw new GatehouseError('DeleteConflict', 'Cannot delete entity, must remove users from group first.');
      }
    }
    await deleteInlinePoliciesOf(tx, 'user', user.id);
    await deleteAttachmentsOf(tx, 'user', user.id);
    await releaseDevicesOf(tx, user.id);
    await forgetPasswords(tx, user.id);
    await deleteCredentialsOfPrincipal(tx, user.id);
    await deleteSessionsOfPrincipal(tx, user.id);
    await deleteLoginProfileRow(tx, user.id);
    await deleteUserRow(tx, user.id);
    await deps.invalidations.record(tx, { topic: 'principal', key: user.id });
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: 'DeleteUser',
      target: { id: user.id, name: user.name },
    });
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
  options: { profile?: 'create' | 'update' } = {},
): Promise<'created' | 'updated'> {
  assertHashable(password);
  const user = await requireUserByName(deps.db, accountId, name);
  const assertProfileState = async (exists: boolean) => {
    if (options.profile === 'create' && exists) {
      throw new GatehouseError('EntityAlreadyExists', `Login Profile for user ${user.name} already exists.`);
    }
    if (options.profile === 'update' && !exists) {
      throw new GatehouseError('NoSuchEntity', `Login Profile for User ${user.name} cannot be found.`);
    }
  };
  await assertProfileState((await findLoginProfile(deps.db, user.id)) !== null);
  const account = await findAccount(deps.db, accountId);
  await checkNewPassword(deps, password, {
    accountId,
    type: 'user',
    principalId: user.id,
    context: { accountName: account?.name, userName: user.name, email: user.contactEmail },
  });
  const passwordHash = await deps.hasher.hash(password);
  const now = deps.clock.now().toISOString();
  return deps.db.transaction().execute(async (tx) => {
    await requireUserByName(tx, accountId, name);
    const existing = await findLoginProfile(tx, user.id);
    await assertProfileState(existing !== null);
    const outcome = await upsertLoginProfile(tx, {
      userId: user.id,
      passwordHash,
      passwordResetRequired,
      passwordChangedAt: now,
      createdAt: existing?.createdAt ?? now,
    });
    await rememberPassword(tx, user.id, passwordHash, now);
    await deleteSessionsOfPrincipal(tx, user.id);
    await deps.invalidations.record(tx, { topic: 'principal', key: user.id });
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: outcome === 'created' ? 'CreateLoginProfile' : 'UpdateLoginProfile',
      target: { id: user.id, name: user.name },
      details: { passwordResetRequired },
    });
    await noteUserPasswordSet(tx, deps, meta, {
      accountId,
      userId: user.id,
      userName: user.name,
      actor,
      created: outcome === 'created',
    });
    return outcome;
  });
}

/**
 * A principal changes its own password: the current one is required, the new one
 * must pass the rules, every other session of the principal ends, and the current
 * session's "password change required" restriction is lifted. Whether it may
 * (iam:ChangePassword, with the request's condition keys) is decided before, where the
 * request is known: the Query API's pipeline and the console route's declared access.
 */
export async function changeOwnPassword(
  deps: Deps,
  principal: Principal,
  currentPassword: string,
  newPassword: string,
  currentSessionId: string | null,
  meta: RequestMeta,
): Promise<void> {
  if (principal.type === 'assumed-role')
    throw new GatehouseError('InvalidUserType', 'A role session has no password to change.');
  assertHashable(currentPassword, 'currentPassword');
  assertHashable(newPassword, 'newPassword');
  const profile = principal.type === 'user' ? await findLoginProfile(deps.db, principal.id) : null;
  const storedHash =
    principal.type === 'root'
      ? (await findRootUser(deps.db, principal.accountId))?.passwordHash
      : profile?.passwordHash;
  const actor = actorOf(principal);
  const currentOk = storedHash
    ? await deps.hasher.verify(storedHash, currentPassword)
    : await deps.hasher.verifyDummy(currentPassword);
  if (!currentOk) {
    throw new GatehouseError('InvalidCredentials', 'The current password is incorrect.', { field: 'currentPassword' });
  }
  await checkNewPassword(
    deps,
    newPassword,
    {
      accountId: principal.accountId,
      type: principal.type,
      principalId: principal.id,
      context: {
        email: principal.type === 'root' ? principal.email : null,
        accountName: principal.accountName,
        userName: principal.type === 'user' ? principal.name : null,
      },
    },
    'newPassword',
  );
  if (await deps.hasher.verify(storedHash!, newPassword)) {
    throw new GatehouseError(
      'PasswordPolicyViolation',
      'The new password must be different from the current password.',
      {
        field: 'newPassword',
      },
    );
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
    await deps.invalidations.record(tx, { topic: 'principal', key: principal.id });
    await recordAudit(tx, deps, meta, {
      accountId: principal.accountId,
      actor,
      eventName: principal.type === 'root' ? 'PasswordUpdated' : 'ChangePassword',
      target: { id: principal.id, name: principal.name },
    });
    if (principal.type === 'root') await noteRootPasswordChanged(tx, deps, meta, principal.accountId);
  });
}
