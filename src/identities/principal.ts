import type { Actor } from '../audit/audit.service.ts';
import type { Db } from '../db/database.ts';
import { findUserById } from './user.repository.ts';
import { findAccount, findRootUser } from './account.repository.ts';

/** What an assumed-role session carries beside its role: where it came from and what narrows it. */
export interface AssumedRoleSession {
  /** The temporary credentials (ASIA…) the session signs with. */
  credentialId: string;
  issuedAt: string;
  expiresAt: string;
  /** When MFA was proved by whoever assumed the role; null without MFA. */
  mfaAt: string | null;
  sourceIdentity: string | null;
  /** The inline session policy (JSON); null: none. */
  sessionPolicy: string | null;
  sessionPolicyArns: string[];
  tags: { key: string; value: string }[];
  transitiveTagKeys: string[];
  /** Assumed with role credentials (role chaining). */
  chained: boolean;
  /** Whoever assumed the role. */
  issuerArn: string;
}

/**
 * Whoever is signed in or calling: an account's root user, one of its IAM users, or a session
 * of one of its roles (temporary credentials from AssumeRole, or a console that switched role).
 */
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
    }
  | {
      type: 'assumed-role';
      accountId: string;
      accountAlias: string | null;
      accountName: string;
      /** The role's unique ID (AROA…). */
      id: string;
      /** The role session name. */
      name: string;
      roleName: string;
      path: string;
      /** `arn:aws:iam::ACCT:role/PATH/NAME`. */
      roleArn: string;
      permissionsBoundary: string | null;
      /** `arn:aws:sts::ACCT:assumed-role/NAME/SESSION`. */
      arn: string;
      session: AssumedRoleSession;
    };

export function rootArn(accountId: string): string {
  return `arn:aws:iam::${accountId}:root`;
}

export function assumedRoleArn(accountId: string, roleName: string, sessionName: string): string {
  return `arn:aws:sts::${accountId}:assumed-role/${roleName}/${sessionName}`;
}

/** AWS's `aws:userid` and GetCallerIdentity UserId: `AROA…:SESSION` for a role session. */
export function callerUserId(principal: Principal): string {
  return principal.type === 'assumed-role' ? `${principal.id}:${principal.name}` : principal.id;
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
  if (principal.type === 'assumed-role')
    return { type: 'assumed-role', id: callerUserId(principal), name: `${principal.roleName}/${principal.name}` };
  return { type: principal.type, id: principal.id, name: principal.type === 'root' ? 'root' : principal.name };
}
