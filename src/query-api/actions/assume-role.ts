import { type AssumedRole, type MfaEvidence, assumeRole } from '../../sts/assume-role.service.ts';
import { ROLE_SESSION_LIMITS } from '../../sts/role-session-terms.ts';
import { TAG_KEY_CONSTRAINT } from '../../shared/model-constraints.ts';
import { defineAction } from '../action.ts';
import { int, list, str, structList } from '../params.ts';
import { type XmlObject, awsTime } from '../xml.ts';
import { TAGS } from './tag-params.ts';

const ARN = {
  min: 20,
  max: 2048,
  pattern: /^[\u0009\u000A\u000D\u0020-\u007E\u0085\u00A0-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]+$/u,
  patternText: '[\\u0009\\u000A\\u000D\\u0020-\\u007E\\u0085\\u00A0-\\uD7FF\\uE000-\\uFFFD\\u10000-\\u10FFFF]+',
};
const SESSION_NAME = { min: 2, max: 64, pattern: /^[\w+=,.@-]*$/, patternText: '[\\w+=,.@-]*' };

/** The parameters AssumeRole and AssumeRoleWithWebIdentity share, with AWS's constraints. */
export const ROLE_SESSION_PARAMS = {
  RoleArn: str({ ...ARN, required: true as const }),
  RoleSessionName: str({ ...SESSION_NAME, required: true as const }),
  DurationSeconds: int({ min: ROLE_SESSION_LIMITS.minSeconds, max: 43_200 }),
  Policy: str({
    min: 1,
    max: ROLE_SESSION_LIMITS.maxPolicyCharacters,
    pattern: /^[\u0009\u000A\u000D\u0020-\u00FF]+$/,
    patternText: '[\\u0009\\u000A\\u000D\\u0020-\\u00FF]+',
  }),
  PolicyArns: structList({ arn: str({ ...ARN, required: true }) }, { max: ROLE_SESSION_LIMITS.maxPolicyArns }),
};

/**
 * STS AssumeRole(RoleArn, RoleSessionName 2–64, DurationSeconds? 900–the role's
 * MaxSessionDuration (an hour when called with temporary credentials), Policy?, PolicyArns? ≤10,
 * ExternalId?, SerialNumber? + TokenCode?, SourceIdentity?, Tags? ≤50, TransitiveTagKeys? ≤50)
 * → Credentials{AccessKeyId ASIA…, SecretAccessKey, SessionToken, Expiration},
 * AssumedRoleUser{AssumedRoleId AROA…:SESSION, Arn arn:aws:sts::ACCT:assumed-role/ROLE/SESSION},
 * PackedPolicySize (when a session policy or tag was passed), SourceIdentity. The role's trust
 * policy and the caller's own policies decide (the service; the pipeline's decision on the
 * caller's policies alone is not taken). A refusal is AccessDenied "User: … is not authorized
 * to perform: sts:AssumeRole on resource: <RoleArn>", whatever its reason.
 */
export const AssumeRole = defineAction({
  name: 'AssumeRole',
  service: 'sts',
  permission: 'sts:AssumeRole',
  decidedWithResourcePolicy: true,
  params: {
    ...ROLE_SESSION_PARAMS,
    ExternalId: str({ min: 2, max: 1224, pattern: /^[\w+=,.@:/-]*$/, patternText: '[\\w+=,.@:\\/-]*' }),
    SerialNumber: str({ min: 9, max: 256, pattern: /^[\w+=/:,.@-]*$/, patternText: '[\\w+=/:,.@-]*' }),
    TokenCode: str({ min: 6, max: 6, pattern: /^\d*$/, patternText: '[\\d]*' }),
    SourceIdentity: str(SESSION_NAME),
    Tags: TAGS(),
    TransitiveTagKeys: list(str({ ...TAG_KEY_CONSTRAINT, required: true }), { max: ROLE_SESSION_LIMITS.maxTags }),
  },
  resource: (_ctx, p) => p.RoleArn,
  async run(ctx, p) {
    const { caller } = ctx;
    const mfa: MfaEvidence =
      p.SerialNumber !== undefined || p.TokenCode !== undefined
        ? { kind: 'code', serialNumber: p.SerialNumber, tokenCode: p.TokenCode }
        : caller.credentialType === 'session'
          ? { kind: 'proved', at: caller.mfaAt ?? null }
          : { kind: 'none' };
    const assumed = await assumeRole(
      ctx.deps,
      {
        principal: caller.principal,
        sourceKeyId: caller.sourceKeyId,
        temporaryCredentials: caller.credentialType === 'session',
        mfa,
        sourceIp: ctx.meta.ip,
        region: caller.region,
        secureTransport: ctx.secure,
      },
      {
        roleArn: p.RoleArn,
        roleSessionName: p.RoleSessionName,
        ...(p.DurationSeconds !== undefined ? { durationSeconds: p.DurationSeconds } : {}),
        ...(p.Policy !== undefined ? { policy: p.Policy } : {}),
        ...(p.PolicyArns ? { policyArns: p.PolicyArns.map((d) => d.arn) } : {}),
        ...(p.ExternalId !== undefined ? { externalId: p.ExternalId } : {}),
        ...(p.SourceIdentity !== undefined ? { sourceIdentity: p.SourceIdentity } : {}),
        ...(p.Tags ? { tags: p.Tags.map((t) => ({ key: t.Key, value: t.Value })) } : {}),
        ...(p.TransitiveTagKeys ? { transitiveTagKeys: p.TransitiveTagKeys } : {}),
      },
      ctx.meta,
    );
    return roleSessionXml(assumed);
  },
});

/** What every Action that starts a role session answers with: the credentials, the session, and PackedPolicySize and SourceIdentity when they apply. */
export function roleSessionXml(assumed: AssumedRole): XmlObject {
  return {
    Credentials: {
      AccessKeyId: assumed.credentials.accessKeyId,
      SecretAccessKey: assumed.credentials.secretAccessKey,
      SessionToken: assumed.credentials.sessionToken,
      Expiration: awsTime(assumed.credentials.expiration),
    },
    AssumedRoleUser: { AssumedRoleId: assumed.assumedRoleId, Arn: assumed.arn },
    ...(assumed.packedPolicySize !== null ? { PackedPolicySize: assumed.packedPolicySize } : {}),
    ...(assumed.sourceIdentity !== null ? { SourceIdentity: assumed.sourceIdentity } : {}),
  };
}
