import type { Actor, RequestMeta } from '../audit/audit.service.ts';
import type { Deps } from '../deps.ts';
import type { ContextValue } from '../policy-engine/context.ts';
import { validateIdentityPolicy } from '../policy-engine/grammar/policy-validator.ts';
import { GatehouseError } from '../shared/errors.ts';
import {
  type AssumedRole,
  type SessionPolicyRequest,
  accountOfRoleArn,
  findRoleByArn,
  issueRoleSession,
  recordRoleRefusal,
  settleSessionPolicies,
} from '../sts/assume-role.service.ts';
import { sessionSeconds } from '../sts/role-session-terms.ts';
import { trustAllowsFederated } from '../sts/role-trust.ts';
import type { OpenIdProviderRecord } from './openid-provider.repository.ts';
import { findProviderOfIssuer } from './openid-provider.service.ts';
import { providerArn } from './provider-url.ts';
import { type WebIdentity, invalidToken, unverifiedClaims, verifyWebIdentityToken } from './web-identity-token.ts';

const ACTION = 'sts:AssumeRoleWithWebIdentity';

/** AssumeRoleWithWebIdentity's parameters, already checked against AWS's model. */
export interface WebIdentityRoleRequest extends SessionPolicyRequest {
  roleArn: string;
  roleSessionName: string;
  /** The OpenID Connect ID token. */
  webIdentityToken: string;
  durationSeconds?: number;
}

/** Where the unsigned request came from. */
export interface WebIdentityCaller {
  sourceIp: string;
  secureTransport: boolean;
}

export interface WebIdentityRole extends AssumedRole {
  /** The token's `sub`. */
  subject: string;
  /** The client ID the token was issued to. */
  audience: string;
  /** The provider's ARN, as AWS answers `Provider` for an OpenID Connect provider. */
  provider: string;
}

function notAuthorized(): GatehouseError {
  return new GatehouseError('AccessDenied', `Not authorized to perform ${ACTION}`);
}

/**
 * The condition keys a web identity's request carries, for the role's trust policy: the
 * provider's `host/path:aud`, `:sub` and (when the token has it) `:amr`, the provider itself as
 * `aws:FederatedProvider`, the session name and where the request came from.
 */
function trustContext(
  provider: OpenIdProviderRecord,
  identity: WebIdentity,
  request: WebIdentityRoleRequest,
  caller: WebIdentityCaller,
): Record<string, ContextValue> {
  return {
    [`${provider.name}:aud`]: identity.audience,
    [`${provider.name}:sub`]: identity.subject,
    ...(identity.amr ? { [`${provider.name}:amr`]: identity.amr } : {}),
    'aws:FederatedProvider': providerArn(provider.accountId, provider.name),
    'sts:RoleSessionName': request.roleSessionName,
    'aws:SourceIp': caller.sourceIp,
    'aws:SecureTransport': caller.secureTransport ? 'true' : 'false',
  };
}

/**
 * STS AssumeRoleWithWebIdentity: temporary credentials for a session of a role, for whoever
 * holds an ID token of an OpenID Connect provider registered in the role's account, when the
 * role's trust policy allows that provider (`"Federated"`) under its conditions. The request is
 * not signed: the token is the proof. In order: the token's issuer must be a provider of the
 * role's account, its audience one of the provider's client IDs, its signature one of the
 * issuer's keys and its expiry ahead (see `verifyWebIdentityToken`); then the trust policy
 * decides — an unknown role reads like a refusal — and the session is issued as AssumeRole's
 * are (DurationSeconds, session policies). Only a verified token's request reaches the audit
 * trail (the role's account: `AssumeRoleWithWebIdentity`, the subject and the provider as actor),
 * so nobody can fill an account's trail with forged tokens.
 */
export async function assumeRoleWithWebIdentity(
  deps: Deps,
  caller: WebIdentityCaller,
  request: WebIdentityRoleRequest,
  meta: RequestMeta,
): Promise<WebIdentityRole> {
  const seconds = sessionSeconds(request.durationSeconds, false);
  if (request.policy !== undefined) validateIdentityPolicy(request.policy);
  const claimed = unverifiedClaims(request.webIdentityToken);
  const accountId = accountOfRoleArn(request.roleArn);
  if (accountId === null) throw notAuthorized();
  const provider = await findProviderOfIssuer(deps, accountId, claimed.iss);
  if (!provider) throw invalidToken(`No OpenIDConnect provider found in your account for ${claimed.iss}`);
  const identity = await verifyWebIdentityToken(deps, request.webIdentityToken, claimed, provider);
  const arn = providerArn(provider.accountId, provider.name);
  const actor: Actor = { type: 'web-identity', id: identity.subject, name: `${identity.subject} (${provider.name})` };
  const callerDetails = { provider: arn, subject: identity.subject, audience: identity.audience };

  const role = await findRoleByArn(deps.db, request.roleArn);
  const context = trustContext(provider, identity, request, caller);
  if (!role || !trustAllowsFederated(role, arn, ACTION, context)) {
    await recordRoleRefusal(
      deps,
      { eventName: 'AssumeRoleWithWebIdentity', actor, callerDetails },
      request,
      { role, reason: role ? 'TrustPolicyDenied' : 'NoSuchRole', accountIds: [accountId] },
      meta,
    );
    throw notAuthorized();
  }
  const { policyArns, packed } = await settleSessionPolicies(deps, role, seconds, request, []);
  const assumed = await issueRoleSession(
    deps,
    {
      eventName: 'AssumeRoleWithWebIdentity',
      actor,
      issuerArn: arn,
      sourceKeyId: '',
      chained: false,
      // The request is unsigned, so names no region: the role's last use is recorded in AWS's default one.
      region: 'us-east-1',
      callerAccountId: null,
      callerDetails,
    },
    request,
    role,
    {
      seconds,
      mfaAt: null,
      mfaSerialNumber: null,
      policyArns,
      packed,
      tags: [],
      transitiveTagKeys: [],
      sourceIdentity: null,
      meta,
    },
  );
  return { ...assumed, subject: identity.subject, audience: identity.audience, provider: arn };
}
