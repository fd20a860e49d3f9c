import { type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import type { Deps } from '../deps.ts';
import { type Principal, actorOf } from '../identities/principal.ts';
import { type SessionRecord, setRoleCredential } from '../sessions/session.repository.ts';
import { findSessionCredentialWithPrincipal } from '../sts/session-credential.repository.ts';

/** A role session: what a console acts as after Switch role. */
export type RoleSessionPrincipal = Extract<Principal, { type: 'assumed-role' }>;

/** A console session that switched role: the IAM user who signed in, and the role session it acts as. */
export interface Switched {
  user: Principal;
  role: RoleSessionPrincipal;
}

/** Why a console stopped acting as a role: Switch back, or its credentials no longer stand. */
export type ExitReason = 'SwitchBack' | 'RoleSessionExpired' | 'RoleSessionGone';

/**
 * Who a console session acts as: its own principal, or (after Switch role) the role session of
 * the temporary credentials it points at. Credentials past their expiry, or whose role was
 * deleted, switch the session back by themselves, recorded as ExitRole. A session that never
 * switched reads nothing more.
 */
export async function actingAs(
  deps: Deps,
  session: SessionRecord,
  principal: Principal,
  meta: RequestMeta,
): Promise<{ principal: Principal; switched: Switched | null }> {
  const credentialId = session.roleCredentialId;
  if (credentialId === null || principal.type !== 'user') return { principal, switched: null };
  const found = await findSessionCredentialWithPrincipal(deps.db, credentialId);
  const role = found?.principal?.type === 'assumed-role' ? found.principal : null;
  if (role && found!.credential.expiresAt > deps.clock.now().toISOString()) {
    return { principal: role, switched: { user: principal, role } };
  }
  await exitRole(deps, session, principal, role, role ? 'RoleSessionExpired' : 'RoleSessionGone', meta);
  return { principal, switched: null };
}

/** "Switch back": the console acts as the signed-in IAM user again. */
export async function switchBack(deps: Deps, session: SessionRecord, switched: Switched, meta: RequestMeta) {
  await exitRole(deps, session, switched.user, switched.role, 'SwitchBack', meta);
}

async function exitRole(
  deps: Deps,
  session: SessionRecord,
  user: Principal,
  role: RoleSessionPrincipal | null,
  reason: ExitReason,
  meta: RequestMeta,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    // Another request may have switched back, or to another role, meanwhile: that stands.
    if (!(await setRoleCredential(tx, session.id, null, session.roleCredentialId))) return;
    await deps.invalidations.record(tx, { topic: 'session', key: session.id });
    await recordAudit(tx, deps, meta, {
      accountId: user.accountId,
      actor: actorOf(user),
      eventName: 'ExitRole',
      outcome: 'Success',
      ...(reason === 'SwitchBack' ? {} : { reason }),
      target: role ? { id: role.id, name: role.roleName } : { id: null, name: null },
      details: {
        ...(role ? { roleArn: role.roleArn, accountId: role.accountId } : {}),
        credentialId: session.roleCredentialId,
      },
    });
  });
}
