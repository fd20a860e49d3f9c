import { type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import type { Db } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import { type Principal, actorOf, assumedRoleArn } from '../identities/principal.ts';
import { type RoleRecord, findRoleByName, markRoleUsed, roleArn } from '../identities/role.repository.ts';
import { proveMfaForSessionToken } from '../mfa/mfa-sts.service.ts';
import { contextOf, loadBasis } from '../policies/authorization.service.ts';
import { managedPolicyInputs } from '../policies/managed-policy-inputs.ts';
import type { ContextValue } from '../policy-engine/context.ts';
import { validateIdentityPolicy } from '../policy-engine/grammar/policy-validator.ts';
import { GatehouseError } from '../shared/errors.ts';
import { type RefusingSide, decideOnRole } from './role-trust.ts';
import {
  type SessionTag,
  assertPacks,
  assertWithinMaxSession,
  packedPolicySize,
  sessionSeconds,
  sessionTagsFor,
  sourceIdentityFor,
} from './role-session-terms.ts';
import { insertSessionCredential } from './session-credential.repository.ts';
import { type TemporaryCredentials, forgetLongExpired, mintTemporaryCredentials } from './session-token.service.ts';

/** What the caller asks for: AssumeRole's parameters, already checked against AWS's model. */
export interface AssumeRoleRequest {
  roleArn: string;
  roleSessionName: string;
  durationSeconds?: number;
  /** The inline session policy (JSON). */
  policy?: string;
  /** Managed policies (of the role's account, or AWS managed) that narrow the session too. */
  policyArns?: string[];
  externalId?: string;
  sourceIdentity?: string;
  tags?: SessionTag[];
  transitiveTagKeys?: string[];
}

/**
 * How the caller proved MFA, if it did:
 * - `code`: a SerialNumber and TokenCode to check now against the caller's own virtual device;
 * - `proved`: what the caller's session already knows — temporary credentials' or a console
 *   session's `mfaAt` (null: signed in without MFA);
 * - `none`: long-term access keys, which carry no MFA facts at all (the keys are then absent).
 */
export type MfaEvidence =
  | { kind: 'code'; serialNumber: string | undefined; tokenCode: string | undefined }
  | { kind: 'proved'; at: string | null }
  | { kind: 'none' };

/** Who asks, and from where: a Query API caller or a console session switching role. */
export interface RoleAssumer {
  principal: Principal;
  /** The long-term access key (or, for the console, the session) the new credentials come from. */
  sourceKeyId: string;
  /** Whether the caller signs with temporary credentials: then it may ask for an hour at most. */
  temporaryCredentials: boolean;
  mfa: MfaEvidence;
  sourceIp: string;
  /** The region the request was signed for, recorded as the role's last-used region. */
  region: string;
  secureTransport?: boolean;
}

export interface AssumedRole {
  credentials: TemporaryCredentials;
  /** `AROA…:SESSION`. */
  assumedRoleId: string;
  /** `arn:aws:sts::ACCT:assumed-role/ROLE/SESSION`. */
  arn: string;
  roleArn: string;
  /** Percent of the packed allowance used; null when no session policy or tag was passed (AWS leaves it out then). */
  packedPolicySize: number | null;
  sourceIdentity: string | null;
  durationSeconds: number;
}

/**
 * Where a new role session comes from, as its credentials and the audit trail keep it: a
 * caller of AssumeRole (or the console's Switch role), or a web identity.
 */
export interface SessionOrigin {
  /** The audit event: `AssumeRole`, `AssumeRoleWithWebIdentity`. */
  eventName: string;
  actor: Actor;
  /** Whoever assumed the role, as the session keeps it: the caller's ARN, or the identity provider's. */
  issuerArn: string;
  /** The long-term access key (or console session) the credentials come from; empty for a web identity. */
  sourceKeyId: string;
  /** Assumed with role credentials (role chaining). */
  chained: boolean;
  /** Recorded as the role's last-used region. */
  region: string;
  /** The caller's account, told too when it is not the role's; null for a web identity. */
  callerAccountId: string | null;
  /** What the audit event says of the caller (its ARN; a web identity's provider, subject and audience). */
  callerDetails: Record<string, unknown>;
}

/** The session policies a request narrows the role with: the inline one (JSON) and managed ones by ARN. */
export interface SessionPolicyRequest {
  policy?: string;
  policyArns?: string[];
}

const ROLE_ARN = /^arn:aws:iam::(\d{12}):role(\/(?:[\u0021-\u007E]*\/)?)([\w+=,.@-]{1,64})$/;

/** The account a role ARN names (whether or not the role exists); null when it is no role ARN. */
export function accountOfRoleArn(arn: string): string | null {
  return ROLE_ARN.exec(arn)?.[1] ?? null;
}

/** The role a role ARN names, with the path the ARN gives; null when there is none. */
export async function findRoleByArn(db: Db, arn: string): Promise<RoleRecord | null> {
  const match = ROLE_ARN.exec(arn);
  if (!match) return null;
  const role = await findRoleByName(db, match[1]!, match[3]!);
  return role && role.path === match[2] ? role : null;
}

function notAuthorized(principal: Principal, action: string, resource: string): GatehouseError {
  return new GatehouseError(
    'AccessDenied',
    `User: ${principal.arn} is not authorized to perform: ${action} on resource: ${resource}`,
  );
}

const REFUSAL_REASONS: Record<RefusingSide, string> = {
  'trust-policy': 'TrustPolicyDenied',
  'identity-policy': 'IdentityPolicyDenied',
};

/** The condition keys the request carries, for both sides of the decision. */
function requestKeys(
  deps: Deps,
  assumer: RoleAssumer,
  mfaAt: string | null | undefined,
  request: AssumeRoleRequest,
  session: { tags: SessionTag[]; transitiveTagKeys: string[]; sourceIdentity: string | null },
): Record<string, ContextValue> {
  const keys: Record<string, ContextValue> = {
    'aws:SourceIp': assumer.sourceIp,
    'aws:RequestedRegion': assumer.region,
    'sts:RoleSessionName': request.roleSessionName,
  };
  if (assumer.secureTransport !== undefined) keys['aws:SecureTransport'] = assumer.secureTransport ? 'true' : 'false';
  // undefined: long-term keys, which say nothing about MFA.
  if (mfaAt !== undefined) {
    keys['aws:MultiFactorAuthPresent'] = mfaAt ? 'true' : 'false';
    if (mfaAt)
      keys['aws:MultiFactorAuthAge'] = String(
        Math.max(0, Math.floor((deps.clock.now().getTime() - Date.parse(mfaAt)) / 1000)),
      );
  }
  if (request.externalId !== undefined) keys['sts:ExternalId'] = request.externalId;
  if (session.sourceIdentity !== null) keys['sts:SourceIdentity'] = session.sourceIdentity;
  if (session.tags.length > 0) {
    for (const tag of session.tags) keys[`aws:RequestTag/${tag.key}`] = tag.value;
    keys['aws:TagKeys'] = session.tags.map((t) => t.key);
  }
  if (session.transitiveTagKeys.length > 0) keys['sts:TransitiveTagKeys'] = session.transitiveTagKeys;
  return keys;
}

/**
 * STS AssumeRole, for the Query API and the console's Switch role alike: temporary
 * credentials (ASIA…) for a session of the role, when its trust policy and the caller's own
 * policies allow it as AWS decides (`decideOnRole`), with the role's permissions narrowed by
 * any session policies. The root user cannot assume roles. Whatever the reason, a refused
 * caller is told only AWS's one sentence (an unknown role reads like a refused one); the
 * reason goes to the audit trail of the caller's account, and of the role's when it has one.
 * The credentials, the role's last use and the AssumeRole event are written in one transaction.
 */
export async function assumeRole(
  deps: Deps,
  assumer: RoleAssumer,
  request: AssumeRoleRequest,
  meta: RequestMeta,
): Promise<AssumedRole> {
  const { principal } = assumer;
  const calling = principal.type === 'assumed-role' ? principal.session : null;
  const seconds = sessionSeconds(request.durationSeconds, assumer.temporaryCredentials);
  if (request.policy !== undefined) validateIdentityPolicy(request.policy);
  const session = {
    ...sessionTagsFor(calling, request.tags ?? [], request.transitiveTagKeys ?? []),
    sourceIdentity: sourceIdentityFor(calling, request.sourceIdentity),
  };
  const refuse = async (reason: string, role: RoleRecord | null, action = 'sts:AssumeRole') => {
    await recordRefusal(deps, assumer, request, role, reason, meta);
    return notAuthorized(principal, action, request.roleArn);
  };

  if (principal.type === 'root') {
    await recordRefusal(deps, assumer, request, null, 'RootCannotAssumeRoles', meta);
    throw new GatehouseError('AccessDenied', 'Roles may not be assumed by root accounts.');
  }
  const mfa =
    assumer.mfa.kind === 'code'
      ? await proveMfaForSessionToken(
          deps,
          principal,
          assumer.mfa.serialNumber,
          assumer.mfa.tokenCode,
          meta,
          'AssumeRole',
        )
      : null;
  const mfaAt = mfa ? mfa.at : assumer.mfa.kind === 'proved' ? assumer.mfa.at : undefined;

  const role = await findRoleByArn(deps.db, request.roleArn);
  if (!role) throw await refuse('NoSuchRole', null);
  const requestContext = requestKeys(deps, assumer, mfaAt, request, session);
  // The caller's own keys, from its cached decision basis (its tags), which its side of the decision reads too.
  const trustContext = { ...requestContext, ...contextOf(deps, principal, (await loadBasis(deps, principal)).tags) };
  // AssumeRole itself, then what the session would carry: its tags, its source identity.
  const asks: Array<[string, string]> = [['sts:AssumeRole', '']];
  if (session.tags.length > 0) asks.push(['sts:TagSession', 'TagSessionDenied']);
  if (session.sourceIdentity !== null) asks.push(['sts:SetSourceIdentity', 'SetSourceIdentityDenied']);
  for (const [action, reason] of asks) {
    const decision = await decideOnRole(deps, principal, role, action, trustContext, requestContext);
    if (!decision.allowed) throw await refuse(reason || REFUSAL_REASONS[decision.refusedBy], role, action);
  }

  const { policyArns, packed } = await settleSessionPolicies(deps, role, seconds, request, session.tags);
  return issueRoleSession(
    deps,
    {
      eventName: 'AssumeRole',
      actor: actorOf(principal),
      issuerArn: principal.arn,
      sourceKeyId: assumer.sourceKeyId,
      chained: principal.type === 'assumed-role',
      region: assumer.region,
      callerAccountId: principal.accountId,
      callerDetails: { callerArn: principal.arn },
    },
    request,
    role,
    {
      seconds,
      mfaAt: mfaAt ?? null,
      mfaSerialNumber: mfa?.serialNumber ?? null,
      policyArns,
      packed,
      ...session,
      meta,
    },
  );
}

/**
 * What the role allows of the session asked for, once its trust policy has: the duration
 * within its MaxSessionDuration, managed session policies that exist in its account (or are
 * AWS managed), and session policies and tags that pack into the space a session has.
 * Returns the distinct policy ARNs and the packed size (null when nothing was passed).
 */
export async function settleSessionPolicies(
  deps: Deps,
  role: RoleRecord,
  seconds: number,
  request: SessionPolicyRequest,
  tags: readonly SessionTag[],
): Promise<{ policyArns: string[]; packed: number | null }> {
  assertWithinMaxSession(seconds, role.maxSessionDuration);
  const policyArns = [...new Set(request.policyArns ?? [])];
  if (policyArns.length > 0) {
    const found = new Set(
      (await managedPolicyInputs(deps.db, deps.caches.policies, role.accountId, policyArns)).map((p) => p.id),
    );
    const missing = policyArns.find((arn) => !found.has(arn));
    if (missing !== undefined)
      throw new GatehouseError('InvalidParameterValue', `The policy ${missing} does not exist or is not attachable.`);
  }
  const narrows = request.policy !== undefined || policyArns.length > 0;
  const packed = narrows || tags.length > 0 ? packedPolicySize(request.policy ?? null, policyArns, tags) : null;
  if (packed !== null) assertPacks(packed, narrows);
  return { policyArns, packed };
}

/**
 * Starts a session of `role` its policies allowed: mints the credentials and, in one
 * transaction, stores them, marks the role used and records `origin.eventName` in the role's
 * account (and the caller's, when it is another).
 */
export async function issueRoleSession(
  deps: Deps,
  origin: SessionOrigin,
  request: { roleSessionName: string; policy?: string },
  role: RoleRecord,
  terms: {
    seconds: number;
    mfaAt: string | null;
    mfaSerialNumber: string | null;
    policyArns: string[];
    packed: number | null;
    tags: SessionTag[];
    transitiveTagKeys: string[];
    sourceIdentity: string | null;
    meta: RequestMeta;
  },
): Promise<AssumedRole> {
  const now = deps.clock.now();
  const { secretSealed, tokenHash, ...credentials } = mintTemporaryCredentials(deps, now, terms.seconds);
  const arn = assumedRoleArn(role.accountId, role.name, request.roleSessionName);
  const theRoleArn = roleArn(role.accountId, role.path, role.name);
  const details = {
    roleArn: theRoleArn,
    roleSessionName: request.roleSessionName,
    ...origin.callerDetails,
    sourceIdentity: terms.sourceIdentity,
    durationSeconds: terms.seconds,
    expiration: credentials.expiration,
    accessKeyId: credentials.accessKeyId,
    mfaAuthenticated: terms.mfaAt !== null,
    ...(terms.mfaSerialNumber ? { mfaSerialNumber: terms.mfaSerialNumber } : {}),
    chained: origin.chained,
    ...(terms.tags.length > 0 ? { sessionTagKeys: terms.tags.map((t) => t.key) } : {}),
    ...(terms.transitiveTagKeys.length > 0 ? { transitiveTagKeys: terms.transitiveTagKeys } : {}),
    ...(request.policy !== undefined || terms.policyArns.length > 0
      ? { sessionPolicy: request.policy !== undefined, sessionPolicyArns: terms.policyArns }
      : {}),
  };
  await deps.db.transaction().execute(async (tx) => {
    await forgetLongExpired(tx, now);
    await insertSessionCredential(tx, {
      id: credentials.accessKeyId,
      accountId: role.accountId,
      principalId: role.id,
      sourceKeyId: origin.sourceKeyId,
      secretSealed,
      tokenHash,
      createdAt: now.toISOString(),
      expiresAt: credentials.expiration,
      mfaAt: terms.mfaAt,
      roleSession: {
        sessionName: request.roleSessionName,
        sourceIdentity: terms.sourceIdentity,
        sessionPolicy: request.policy ?? null,
        sessionPolicyArns: terms.policyArns,
        tags: terms.tags,
        transitiveTagKeys: terms.transitiveTagKeys,
        issuerArn: origin.issuerArn,
        chained: origin.chained,
      },
    });
    await markRoleUsed(tx, role.id, now.toISOString(), origin.region);
    for (const accountId of new Set([role.accountId, origin.callerAccountId ?? role.accountId])) {
      await recordAudit(tx, deps, terms.meta, {
        accountId,
        actor: origin.actor,
        eventName: origin.eventName,
        target: { id: role.id, name: role.name },
        details,
      });
    }
  });
  return {
    credentials,
    assumedRoleId: `${role.id}:${request.roleSessionName}`,
    arn,
    roleArn: theRoleArn,
    packedPolicySize: terms.packed,
    sourceIdentity: terms.sourceIdentity,
    durationSeconds: terms.seconds,
  };
}

/**
 * Records a refused role session (`origin.eventName`, a Failure for `reason`) in each of
 * `accountIds`, in one transaction: the reason is for the accounts' audit trails, never for the caller's eyes.
 */
export async function recordRoleRefusal(
  deps: Deps,
  origin: Pick<SessionOrigin, 'eventName' | 'actor' | 'callerDetails'>,
  request: { roleArn: string; roleSessionName: string },
  refusal: { role: RoleRecord | null; reason: string; accountIds: string[] },
  meta: RequestMeta,
): Promise<void> {
  const { role, reason } = refusal;
  await deps.db.transaction().execute(async (tx) => {
    for (const accountId of new Set(refusal.accountIds)) {
      await recordAudit(tx, deps, meta, {
        accountId,
        actor: origin.actor,
        eventName: origin.eventName,
        outcome: 'Failure',
        reason,
        target: role ? { id: role.id, name: role.name } : { id: null, name: request.roleArn },
        details: { roleArn: request.roleArn, roleSessionName: request.roleSessionName, ...origin.callerDetails },
      });
    }
  });
}

/** A refused AssumeRole, for the caller's account and the role's (when the role exists). */
function recordRefusal(
  deps: Deps,
  assumer: RoleAssumer,
  request: AssumeRoleRequest,
  role: RoleRecord | null,
  reason: string,
  meta: RequestMeta,
): Promise<void> {
  const { principal } = assumer;
  const callerDetails = {
    callerArn: principal.arn,
    ...(request.sourceIdentity !== undefined ? { sourceIdentity: request.sourceIdentity } : {}),
  };
  return recordRoleRefusal(
    deps,
    { eventName: 'AssumeRole', actor: actorOf(principal), callerDetails },
    request,
    { role, reason, accountIds: [principal.accountId, ...(role ? [role.accountId] : [])] },
    meta,
  );
}
