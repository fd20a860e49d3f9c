import type { Actor, RequestMeta } from '../audit/audit.service.ts';
import type { Deps } from '../deps.ts';
import { putInlinePolicy } from '../policies/inline-policy.service.ts';

/** The inline policy AWS's console puts on a role to revoke its sessions, by the name AWS gives it. */
export const REVOKE_OLDER_SESSIONS = 'AWSRevokeOlderSessions';

/** AWS's document, word for word: deny everything to sessions issued before `time` (ISO 8601, milliseconds included). */
export function revokeOlderSessionsDocument(time: string): string {
  return JSON.stringify(
    {
      Version: '2012-10-17',
      Statement: [
        {
          Effect: 'Deny',
          Action: ['*'],
          Resource: ['*'],
          Condition: { DateLessThan: { 'aws:TokenIssueTime': time } },
        },
      ],
    },
    null,
    4,
  );
}

/**
 * "Revoke active sessions" on a role, as AWS does it: puts (or refreshes) the inline policy
 * AWSRevokeOlderSessions, which denies every request of a session of the role issued before
 * now. Sessions assumed from now on are not affected, so the policy never needs removing.
 * Recorded as PutRolePolicy. Returns the revocation time. NoSuchEntity when there is no such role.
 */
export async function revokeOlderRoleSessions(
  deps: Deps,
  accountId: string,
  roleName: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<string> {
  const now = deps.clock.now().toISOString();
  await putInlinePolicy(
    deps,
    accountId,
    'role',
    roleName,
    REVOKE_OLDER_SESSIONS,
    revokeOlderSessionsDocument(now),
    actor,
    meta,
  );
  return now;
}
