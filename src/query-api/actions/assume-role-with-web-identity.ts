import { GatehouseError } from '../../shared/errors.ts';
import { assumeRoleWithWebIdentity } from '../../web-identity/assume-role-with-web-identity.service.ts';
import { defineUnsignedAction } from '../action.ts';
import { str } from '../params.ts';
import { ROLE_SESSION_PARAMS, roleSessionXml } from './assume-role.ts';

/**
 * STS AssumeRoleWithWebIdentity(RoleArn, RoleSessionName 2–64, WebIdentityToken (an OpenID
 * Connect ID token), DurationSeconds? 900–the role's MaxSessionDuration, Policy?, PolicyArns? ≤10)
 * → Credentials, SubjectFromWebIdentityToken (`sub`), AssumedRoleUser, PackedPolicySize (when a
 * session policy was passed), Provider (the provider's ARN, as AWS answers it for an OpenID
 * Connect provider), Audience (the client ID). Unsigned, as AWS takes it. InvalidIdentityToken,
 * ExpiredTokenException, IDPRejectedClaim, IDPCommunicationError for the token; AccessDenied
 * "Not authorized to perform sts:AssumeRoleWithWebIdentity" when the role's trust policy refuses.
 * `ProviderId` names an OAuth 2.0 provider (Login with Amazon, Facebook), which Gatehouse does not accept.
 */
export const AssumeRoleWithWebIdentity = defineUnsignedAction({
  name: 'AssumeRoleWithWebIdentity',
  service: 'sts',
  permission: 'sts:AssumeRoleWithWebIdentity',
  unsigned: true,
  params: {
    ...ROLE_SESSION_PARAMS,
    WebIdentityToken: str({ min: 4, max: 20_000, required: true as const, sensitive: true }),
    ProviderId: str({ min: 4, max: 2048 }),
  },
  async run(ctx, p) {
    if (p.ProviderId !== undefined)
      throw new GatehouseError(
        'InvalidParameterValue',
        'ProviderId names an OAuth 2.0 provider, which this service does not accept: leave it out and pass an OpenID Connect ID token.',
      );
    const assumed = await assumeRoleWithWebIdentity(
      ctx.deps,
      { sourceIp: ctx.meta.ip, secureTransport: ctx.secure },
      {
        roleArn: p.RoleArn,
        roleSessionName: p.RoleSessionName,
        webIdentityToken: p.WebIdentityToken,
        ...(p.DurationSeconds !== undefined ? { durationSeconds: p.DurationSeconds } : {}),
        ...(p.Policy !== undefined ? { policy: p.Policy } : {}),
        ...(p.PolicyArns ? { policyArns: p.PolicyArns.map((d) => d.arn) } : {}),
      },
      ctx.meta,
    );
    const { Credentials, AssumedRoleUser, ...rest } = roleSessionXml(assumed);
    return {
      Credentials,
      SubjectFromWebIdentityToken: assumed.subject,
      AssumedRoleUser,
      ...rest,
      Provider: assumed.provider,
      Audience: assumed.audience,
    };
  },
});
