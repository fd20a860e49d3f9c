import type { AuthorizeAnswer, Principal as PrincipalSummary, SigningKeyGrant } from '@gatehouse/authorizer';
import { authorizeApiCall, signedRequestContext } from '../authz/api-authorization.ts';
import type { Caller } from '../authz/api-caller.ts';
import type { Deps } from '../deps.ts';
import { type Principal, callerUserId } from '../identities/principal.ts';
import { accountOfArn, authorize, contextOf, loadBasis } from '../policies/authorization.service.ts';
import { decideWithResourcePolicy, trustPrincipalOf } from '../policies/resource-policy-decision.ts';
import { authenticate } from '../signed-request/authenticate.ts';
import { GatehouseError } from '../shared/errors.ts';
import { type IncomingRequest, decodePairs, signatureParts } from '../sigv4/sigv4.ts';
import type { AuthorizeInput } from './authorize-input.ts';
import { recordDecision } from './decision-record.service.ts';
import { readResourcePolicy } from './service-resource-policy.ts';
import { GATEHOUSE_SERVICES, mayJudge } from './service-trust.service.ts';

/**
 * The authorization API: a service forwards a request it received, signed with SigV4 by its
 * client, and the action and resource the request means to it; Gatehouse verifies the signature
 * with the code that verifies its own Query API, loads the principal, and decides with the
 * principal's policies (identity policies, boundary, session policies) and the resource policy
 * the service passes, as AWS would.
 *
 * Whose fault a failure is decides how it is answered: the end client's (a bad signature, an
 * unknown or expired key) is a decision, Deny with the AWS error code, for the service to pass
 * on; the calling service's own (it may not judge this key's requests, or it sent a malformed
 * question) is an error thrown to it.
 */

export type { AuthorizeAnswer, PrincipalSummary, SigningKeyGrant };

export const AUTHORIZE_PERMISSION = 'gatehouse:AuthorizeRequest';

/** The resource `gatehouse:AuthorizeRequest` is judged on: the account whose key signed the forwarded request. */
export function authorizeResourceOf(accountId: string): string {
  return `arn:aws:gatehouse::${accountId}:account`;
}

/** The marks a client may sign instead of a payload hash. */
const PAYLOAD_MARKERS = new Set([
  'UNSIGNED-PAYLOAD',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
  'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
]);

/** A failure of the calling service's own, carried out of the verification of the forwarded request. */
class CallerFault extends Error {
  constructor(readonly error: GatehouseError) {
    super(error.message);
  }
}

const PRINCIPAL_TYPES = { root: 'Root', user: 'IAMUser', 'assumed-role': 'AssumedRole' } as const;

function summaryOf(caller: Caller): PrincipalSummary {
  const { principal } = caller;
  return {
    arn: principal.arn,
    accountId: principal.accountId,
    userId: callerUserId(principal),
    type: PRINCIPAL_TYPES[principal.type],
    accessKeyId: caller.accessKeyId,
    mfaPresent: Boolean(caller.mfaAt),
    sourceIdentity: principal.type === 'assumed-role' ? principal.session.sourceIdentity : null,
  };
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * What the client signed as its payload hash: what the service declares, else the
 * `x-amz-content-sha256` header the client sent (S3's clients always do), else, for a
 * presigned URL, `UNSIGNED-PAYLOAD` (as S3 presigns).
 */
function payloadHashOf(input: AuthorizeInput, presigned: boolean): string {
  const declared =
    input.request.payloadHash ??
    headerText(input.request.headers['x-amz-content-sha256']) ??
    (presigned ? 'UNSIGNED-PAYLOAD' : undefined);
  if (declared === undefined)
    throw new CallerFault(
      new GatehouseError(
        'ValidationError',
        'request.payloadHash: the hex SHA-256 of the body is required when the request carries no x-amz-content-sha256 header.',
        { field: 'request.payloadHash' },
      ),
    );
  if (input.request.payloadHash !== undefined && !/^[0-9a-f]{64}$/.test(declared) && !PAYLOAD_MARKERS.has(declared))
    throw new CallerFault(
      new GatehouseError(
        'ValidationError',
        'request.payloadHash: 64 lower-case hexadecimal characters, UNSIGNED-PAYLOAD or a STREAMING-… marker.',
        { field: 'request.payloadHash' },
      ),
    );
  return declared;
}

/**
 * May `service` judge a request to `serviceName` signed with a key of `principal`'s account?
 * The account must trust the service's account with that name (`service-trust.service.ts`), and
 * the service's own policies must allow `gatehouse:AuthorizeRequest` on the account.
 */
async function admit(
  deps: Deps,
  service: Caller,
  principal: Principal,
  serviceName: string,
  facts: { sourceIp: string; secureTransport: boolean },
): Promise<void> {
  const resource = authorizeResourceOf(principal.accountId);
  const sameAccount = principal.accountId === service.principal.accountId;
  if (!(await mayJudge(deps, principal.accountId, service.principal.accountId, serviceName))) {
    const why = sameAccount
      ? `because account ${principal.accountId} does not accept requests to the service ${serviceName}`
      : `because no resource-based policy allows the ${AUTHORIZE_PERMISSION} action`;
    throw new CallerFault(
      new GatehouseError(
        'AccessDenied',
        `User: ${service.principal.arn} is not authorized to perform: ${AUTHORIZE_PERMISSION} on resource: ${resource} ${why}`,
      ),
    );
  }
  try {
    await authorizeApiCall(deps, service, AUTHORIZE_PERMISSION, resource, facts, { withResourcePolicy: !sameAccount });
  } catch (error) {
    throw error instanceof GatehouseError ? new CallerFault(error) : error;
  }
}

function deniedSentence(principal: Principal, action: string, resource: string, why: string): string {
  return `User: ${principal.arn} is not authorized to perform: ${action} on resource: ${resource} ${why}`;
}

/** The decision on the principal's policies and the resource policy the service passed, as AWS makes it. */
async function decide(
  deps: Deps,
  caller: Caller,
  serviceAccountId: string,
  input: AuthorizeInput,
): Promise<{ allowed: boolean; reason: string }> {
  const { principal } = caller;
  const { action, resource } = input;
  const requestContext = {
    ...input.context,
    ...signedRequestContext(deps, caller, {
      ...(input.request.sourceIp !== undefined ? { sourceIp: input.request.sourceIp } : {}),
      ...(input.request.secure !== undefined ? { secureTransport: input.request.secure } : {}),
    }),
  };
  // An ARN without an account (S3's) names a resource of the service's own account.
  const resourceAccount = accountOfArn(resource) || serviceAccountId;
  const allowed = `User: ${principal.arn} is allowed to perform: ${action} on resource: ${resource}`;
  if (input.resourcePolicy === null) {
    if (resourceAccount !== principal.accountId && resourceAccount !== 'aws')
      return {
        allowed: false,
        reason: deniedSentence(
          principal,
          action,
          resource,
          `because no resource-based policy allows the ${action} action`,
        ),
      };
    const result = await authorize(deps, principal, action, resource, requestContext);
    return result.decision === 'allowed'
      ? { allowed: true, reason: allowed }
      : { allowed: false, reason: result.message! };
  }
  const document = readResourcePolicy(input.resourcePolicy);
  // The service keeps the policy, so the users and roles it names are those that bear the names now.
  const named = trustPrincipalOf(principal);
  const pinned = new Map(named.arns.map((arn) => [arn, named.uniqueId]));
  const resourceContext = { ...requestContext, ...contextOf(deps, principal, (await loadBasis(deps, principal)).tags) };
  const decision = await decideWithResourcePolicy(
    deps,
    principal,
    action,
    resource,
    { document, pinned, accountId: resourceAccount, mustAllow: false, matchesResource: true },
    resourceContext,
    requestContext,
  );
  if (decision.allowed) return { allowed: true, reason: allowed };
  if (decision.refusedBy === 'identity-policy' && decision.identity.message !== null)
    return { allowed: false, reason: decision.identity.message };
  const why = decision.explicit
    ? `with an explicit deny in a ${decision.refusedBy === 'resource-policy' ? 'resource-based' : 'identity-based'} policy`
    : `because no ${decision.refusedBy === 'resource-policy' ? 'resource-based' : 'identity-based'} policy allows the ${action} action`;
  return { allowed: false, reason: deniedSentence(principal, action, resource, why) };
}

/** Where the calling service's own request came from, and its request ID (for the audit trail). */
export interface AuthorizeFacts {
  sourceIp: string;
  secureTransport: boolean;
  requestId: string;
}

/**
 * Answers a service's question about a request it received. `service` is the calling service,
 * authenticated already; `facts` where its own request came from. Throws (to the calling
 * service) when it may not judge the request's key or asked badly; otherwise answers, and
 * records a decision about a verified principal as the service asked (`decision-record.service.ts`).
 */
export async function authorizeForwardedRequest(
  deps: Deps,
  service: Caller,
  input: AuthorizeInput,
  facts: AuthorizeFacts,
): Promise<AuthorizeAnswer> {
  let caller: Caller;
  let serviceName = '';
  try {
    const signed: IncomingRequest = {
      method: input.request.method,
      path: input.request.path,
      queryPairs: decodePairs(input.request.query),
      headers: input.request.headers,
      payloadHash: '',
    };
    const parts = signatureParts(signed);
    serviceName = parts.scope.service;
    if (GATEHOUSE_SERVICES.has(serviceName))
      throw new GatehouseError(
        'SignatureDoesNotMatch',
        `Credential should be scoped to the service that received the request, not to '${serviceName}'.`,
      );
    signed.payloadHash = payloadHashOf(input, parts.form === 'query');
    caller = await authenticate(deps, signed, serviceName, {
      parts,
      skewCode: 'RequestTimeTooSkewed',
      admit: (principal) => admit(deps, service, principal, serviceName, facts),
    });
  } catch (error) {
    if (error instanceof CallerFault) throw error.error;
    if (error instanceof GatehouseError && error.safe)
      return { decision: 'Deny', reason: error.message, errorCode: error.code };
    throw error;
  }
  const { allowed, reason } = await decide(deps, caller, service.principal.accountId, input);
  await recordDecision(deps, {
    caller,
    service,
    serviceName,
    action: input.action,
    resource: input.resource,
    allowed,
    reason,
    record: input.record,
    clientIp: input.request.sourceIp ?? null,
    userAgent: headerText(input.request.headers['user-agent'])?.slice(0, 512) ?? '',
    requestId: facts.requestId,
  });
  return {
    decision: allowed ? 'Allow' : 'Deny',
    reason,
    principal: summaryOf(caller),
    ...(input.signingKey && caller.signingKey ? { signingKey: grantOf(caller, caller.signingKey) } : {}),
  };
}

function grantOf(caller: Caller, signing: { key: Buffer; scope: string }): SigningKeyGrant {
  return {
    key: signing.key.toString('base64'),
    scope: signing.scope,
    credentialExpiresAt: caller.expiresAt ?? null,
  };
}
