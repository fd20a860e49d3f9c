import type { Actor } from '../audit/audit.service.ts';
import type { Db } from '../db/database.ts';
import { findUserById } from './user.repository.ts';
import { findAccount, findRootUser } from './account.repository.ts';

/** Whoever is signed in or calling: an account's root user or one of its IAM users. */
export type Principal =
  | {
      type: 'root';
      accountId: string;
      accountAlias: string | null;
      accountName: string;
      /** The root user's ID is its account ID, as in AWS. */
      id: string;
      name: 'root';
      email: string;
      arn: string;
    }
  | {
      type: 'user';
      accountId: string;
      accountAlias: string | null;
      accountName: string;
      id: string;
      name: string;
      path: string;
      isAdmin: boolean;
      /** ARN of the managed policy bounding what its policies can grant; null: none. */
      permissionsBoundary: string | null;
      arn: string;
    };

export function rootArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:root`;
}

export function userArn(accountId: string, path: string, name: string): string {
  return `arn:aws:iam::${accountId}:user${path}${name}`;
}

/** Loads the principal a session or key belongs to; null when it no longer exists. */
export async function loadPrincipal(db: Db, accountId: string, principalId: string): Promise<Principal | null> {
  const account = await findAccount(db, accountId);
  if (!account) return null;
  if (principalId === accountId)
    return principalFrom(
      account,
      { rootEmail: (await findRootUser(db, accountId))?.email ?? null, user: null },
      principalId,
    );
  return principalFrom(account, { rootEmail: null, user: await findUserById(db, principalId) }, principalId);
}

/**
 * The principal `principalId` names, from its account's row and the root user's email or
 * the user's row (however they were read); null when they do not belong together.
 */
export function principalFrom(
  account: { id: string; alias: string | null; name: string },
  found: {
    rootEmail: string | null;
    user: {
      id: string;
      accountId: string;
      name: string;
      path: string;
      isAdmin: boolean;
      permissionsBoundary: string | null;
    } | null;
  },
  principalId: string,
): Principal | null {
  const accountId = account.id;
  if (principalId === accountId) {
    if (found.rootEmail === null) return null;
    return {
      type: 'root',
      accountId,
      accountAlias: account.alias,
      accountName: account.name,
      id: accountId,
      name: 'root',
      email: found.rootEmail,
      arn: rootArn(accountId),
    };
  }
  const user = found.user;
  if (!user || user.id !== principalId || user.accountId !== accountId) return null;
  return {
    type: 'user',
    accountId,
    accountAlias: account.alias,
    accountName: account.name,
    id: user.id,
    name: user.name,
    path: user.path,
    isAdmin: user.isAdmin,
    permissionsBoundary: user.permissionsBoundary,
    arn: userArn(accountId, user.path, user.name),
  };
}

export function actorOf(principal: Principal): Actor {
  return { type: principal.type, id: principal.id, name: principal.type === 'root' ? 'root' : principal.name };
}
