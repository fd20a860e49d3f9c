import { type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import type { Db } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import { findAccountByRef } from '../identities/account.repository.ts';
import { type Principal, actorOf } from '../identities/principal.ts';
import { findRoleByName } from '../identities/role.repository.ts';
import { principalContext } from '../policies/authorization.service.ts';
import { type SessionRecord, setRoleCredential } from '../sessions/session.repository.ts';
import { GatehouseError, invalid } from '../shared/errors.ts';
import { isAccountId, isAlias, normaliseAccountRef } from '../shared/validation.ts';
import { assumeRole } from '../sts/assume-role.service.ts';
import { decideOnRole } from '../sts/role-trust.ts';
import { DISPLAY_NAME_MAX, type RecentRole, isRoleColour, isRoleNameWithPath } from './role-history.ts';
import { assumeRefusalReason } from './switch-role.repository.ts';

/**
 * Switch role: the console session of an IAM user assumes a role through STS AssumeRole itself
 * (the same decision as the Query API: trust policy and the user's own policies, with the
 * session's MFA state and source address), then acts with the role session's credentials until
 * it switches back or they expire. A refused switch tells the person one sentence whatever the
 * reason, as AWS does; the reason is recorded (SwitchRole, Failure) for the account's activity
 * and the sign-in doctor.
 */

/** AWS's words for every refused switch, whatever the reason. */
export const SWITCH_REFUSED =
  'Invalid information in one or more fields. Check your information or contact your administrator.';

/** A console that switches role gets an hour, as in AWS (every role allows at least that). */
export const CONSOLE_ROLE_SECONDS = 3600;

/** The region recorded as a role's last use from the console. */
const CONSOLE_REGION = 'us-east-1';

/** Why a switch was refused: the switch's own reason, or AssumeRole's. */
export type SwitchRefusal =
  | 'NoSuchAccount'
  | 'NoSuchRole'
  | 'TrustPolicyDenied'
  | 'IdentityPolicyDenied'
  | 'MfaRequired'
  | (string & {});

export interface SwitchRequest {
  account: string;
  roleName: string;
  displayName: string;
  colour: string;
}

function checked(request: SwitchRequest): RecentRole {
  const account = normaliseAccountRef(request.account);
  if (!isAccountId(account) && !isAlias(account))
    throw invalid('account', 'Enter the 12-digit account ID or the alias of the account the role belongs to.');
  const roleName = request.roleName.trim().replace(/^\/+/, '');
  if (!isRoleNameWithPath(roleName))
    throw invalid('roleName', 'Enter the role name: letters, digits and + = , . @ _ - (path/name when it has a path).');
  const displayName = request.displayName.trim();
  if (displayName.length > DISPLAY_NAME_MAX)
    throw invalid('displayName', `The display name must be at most ${DISPLAY_NAME_MAX} characters long.`);
  const colour = request.colour || 'blue';
  if (!isRoleColour(colour)) throw invalid('colour', 'Choose one of the display colours.');
  return { account, roleName, displayName: displayName || `${roleName.split('/').pop()} @ ${account}`, colour };
}

/** The role session's name: the user's name, as the AWS console names it (at least two characters, as AssumeRole asks). */
function sessionNameOf(user: Principal): string {
  return user.name.length >= 2 ? user.name : `${user.name}-`;
}

/**
 * Switches the console session to the role, and returns what the browser's recently used list
 * keeps of it. ValidationError for a malformed field; AccessDenied with `SWITCH_REFUSED` for any
 * refusal, after recording its reason.
 */
export async function switchRole(
  deps: Deps,
  session: SessionRecord,
  user: Principal,
  request: SwitchRequest,
  connection: { secure: boolean },
  meta: RequestMeta,
): Promise<RecentRole> {
  if (user.type !== 'user')
    throw new GatehouseError('AccessDenied', 'Only IAM users can switch roles: the root user cannot, as in AWS.');
  const wanted = checked(request);
  const account = await findAccountByRef(deps.db, wanted.account);
  const roleArn = `arn:aws:iam::${account?.id ?? wanted.account}:role/${wanted.roleName}`;
  const refuse = async (reason: SwitchRefusal): Promise<GatehouseError> => {
    await deps.db
      .transaction()
      .execute((tx) => recordSwitch(tx, deps, user, wanted, roleArn, meta, { refused: reason }));
    return new GatehouseError('AccessDenied', SWITCH_REFUSED);
  };
  if (!account) throw await refuse('NoSuchAccount');

  const assumer = {
    principal: user,
    sourceKeyId: session.id,
    temporaryCredentials: false,
    mfa: { kind: 'proved' as const, at: session.mfaAt },
    sourceIp: meta.ip,
    region: CONSOLE_REGION,
    secureTransport: connection.secure,
  };
  const roleSessionName = sessionNameOf(user);
  let credentialId: string;
  try {
    const assumed = await assumeRole(
      deps,
      assumer,
      { roleArn, roleSessionName, durationSeconds: CONSOLE_ROLE_SECONDS },
      meta,
    );
    credentialId = assumed.credentials.accessKeyId;
  } catch (error) {
    if (!(error instanceof GatehouseError) || !error.safe) throw error;
    const recorded = await assumeRefusalReason(deps.db, user.accountId, meta.requestId);
    const reason = recorded ?? error.code;
    throw await refuse(await mfaWouldAllow(deps, user, session, roleArn, roleSessionName, reason, meta));
  }

  await deps.db.transaction().execute(async (tx) => {
    // The person's latest switch wins, whatever the session acted as a moment ago.
    await setRoleCredential(tx, session.id, credentialId);
    await deps.invalidations.record(tx, { topic: 'session', key: session.id });
    await recordSwitch(tx, deps, user, wanted, roleArn, meta, { credentialId });
  });
  return wanted;
}

/**
 * `MfaRequired` when the policies refused a session without MFA and would have let it in with
 * MFA just proved: the one refusal the person can fix by signing in again.
 */
async function mfaWouldAllow(
  deps: Deps,
  user: Principal,
  session: SessionRecord,
  roleArn: string,
  roleSessionName: string,
  reason: SwitchRefusal,
  meta: RequestMeta,
): Promise<SwitchRefusal> {
  if (session.mfaAt !== null || (reason !== 'TrustPolicyDenied' && reason !== 'IdentityPolicyDenied')) return reason;
  const [, , , , accountId, resource] = roleArn.split(':');
  const role = await findRoleByName(deps.db, accountId!, resource!.split('/').pop()!);
  if (!role) return reason;
  const requestKeys = {
    'aws:SourceIp': meta.ip,
    'aws:RequestedRegion': CONSOLE_REGION,
    'sts:RoleSessionName': roleSessionName,
    'aws:MultiFactorAuthPresent': 'true',
    'aws:MultiFactorAuthAge': '0',
  };
  const trustKeys = { ...requestKeys, ...(await principalContext(deps, user)) };
  const withMfa = await decideOnRole(deps, user, role, 'sts:AssumeRole', trustKeys, requestKeys);
  return withMfa.allowed ? 'MfaRequired' : reason;
}

async function recordSwitch(
  db: Db,
  deps: Deps,
  user: Principal,
  wanted: RecentRole,
  roleArn: string,
  meta: RequestMeta,
  outcome: { refused: SwitchRefusal } | { credentialId: string },
): Promise<void> {
  await recordAudit(db, deps, meta, {
    accountId: user.accountId,
    actor: actorOf(user),
    eventName: 'SwitchRole',
    outcome: 'refused' in outcome ? 'Failure' : 'Success',
    ...('refused' in outcome ? { reason: outcome.refused } : {}),
    target: { id: null, name: wanted.roleName },
    details: {
      roleArn,
      account: wanted.account,
      ...('credentialId' in outcome ? { accessKeyId: outcome.credentialId, displayName: wanted.displayName } : {}),
    },
  });
}
