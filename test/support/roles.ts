import { CLI_ACTOR, SYSTEM_META } from '../../src/audit/audit.service.ts';
import { type RoleRecord, markRoleUsed } from '../../src/identities/role.repository.ts';
import { createRole } from '../../src/roles/role.service.ts';
import { setRoleCredential } from '../../src/sessions/session.repository.ts';
import { randomBase32 } from '../../src/shared/secrets.ts';
import { insertSessionCredential } from '../../src/sts/session-credential.repository.ts';
import type { Browser, TestContext } from './harness.ts';

/** A trust policy letting every principal of `accountId` assume the role (when its own policies allow it). */
export function trustAccount(accountId: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { AWS: `arn:aws:iam::${accountId}:root` }, Action: 'sts:AssumeRole', ...extra },
    ],
  });
}

/** A role made by the roles service (as CreateRole makes it), with a last use when asked for. */
export async function insertTestRole(
  t: TestContext,
  accountId: string,
  name: string,
  options: {
    path?: string;
    description?: string;
    trustPolicy?: string;
    maxSessionDuration?: number;
    lastUsedAt?: string;
  } = {},
): Promise<RoleRecord> {
  const role = await createRole(
    t.deps,
    accountId,
    {
      name,
      trustPolicy: options.trustPolicy ?? trustAccount(accountId),
      ...(options.path ? { path: options.path } : {}),
      ...(options.description ? { description: options.description } : {}),
      ...(options.maxSessionDuration ? { maxSessionDuration: options.maxSessionDuration } : {}),
    },
    CLI_ACTOR,
    SYSTEM_META,
  );
  if (options.lastUsedAt) await markRoleUsed(t.deps.db, role.id, options.lastUsedAt, 'us-east-1');
  return role;
}

/** The ID of the console session a test browser holds. */
export function sessionIdOf(browser: Browser): string {
  const token = browser.cookies.get('gh_session') ?? browser.cookies.get('__Host-gh_session');
  if (!token) throw new Error('the browser holds no session');
  return token.split('.')[0]!;
}

/**
 * Points a signed-in browser's session at fresh role credentials, as a switch leaves it, for
 * tests of what a switched console does (expiry, a deleted role) apart from the switch itself.
 */
export async function pointSessionAtRole(
  t: TestContext,
  browser: Browser,
  role: RoleRecord,
  user: { name: string; arn: string },
  seconds = 3600,
): Promise<string> {
  const now = t.clock.now();
  const id = `ASIA${randomBase32(16).toUpperCase()}`;
  await insertSessionCredential(t.deps.db, {
    id,
    accountId: role.accountId,
    principalId: role.id,
    sourceKeyId: '',
    secretSealed: 'unused',
    tokenHash: 'unused',
    createdAt: now.toISOString(),
    expiresAt: new Date(now.getTime() + seconds * 1000).toISOString(),
    mfaAt: null,
    roleSession: {
      sessionName: user.name,
      sourceIdentity: null,
      sessionPolicy: null,
      sessionPolicyArns: [],
      tags: [],
      transitiveTagKeys: [],
      issuerArn: user.arn,
      chained: false,
    },
  });
  const sessionId = sessionIdOf(browser);
  await t.deps.db.transaction().execute(async (tx) => {
    await setRoleCredential(tx, sessionId, id, null);
    await t.deps.invalidations.record(tx, { topic: 'session', key: sessionId });
  });
  return id;
}
