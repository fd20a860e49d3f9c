import type { Deps } from '../deps.ts';
import { type AuthorizeOptions, assertAuthorized } from '../policies/authorization.service.ts';
import type { Caller } from './api-caller.ts';

/** Actions AWS lets every authenticated caller make, whatever its policies say. */
const PERMISSION_FREE = new Set(['sts:GetCallerIdentity', 'sts:GetSessionToken', 'sts:GetAccessKeyInfo']);

export interface ApiRequestFacts {
  /** Where the request came from; a forwarded request may not say (then aws:SourceIp is absent). */
  sourceIp?: string;
  /** Whether it arrived over TLS; a forwarded request may not say (then aws:SecureTransport is absent). */
  secureTransport?: boolean;
  /** Keys the Action adds for this request, e.g. `iam:PolicyARN`. */
  conditionKeys?: Record<string, string>;
}

/**
 * The condition keys a signed request carries: where it came from, whether over TLS, the
 * region it was signed for, and — for temporary credentials only, as in AWS, so that
 * `BoolIfExists` policies treat long-term keys as "no MFA known" — the MFA keys.
 */
export function signedRequestContext(
  deps: Pick<Deps, 'clock'>,
  caller: Caller,
  facts: ApiRequestFacts,
): Record<string, string> {
  const context: Record<string, string> = { 'aws:RequestedRegion': caller.region, ...facts.conditionKeys };
  if (facts.sourceIp !== undefined) context['aws:SourceIp'] = facts.sourceIp;
  if (facts.secureTransport !== undefined) context['aws:SecureTransport'] = facts.secureTransport ? 'true' : 'false';
  if (caller.credentialType === 'session') {
    context['aws:MultiFactorAuthPresent'] = caller.mfaAt ? 'true' : 'false';
    if (caller.mfaAt) {
      context['aws:MultiFactorAuthAge'] = String(
        Math.max(0, Math.floor((deps.clock.now().getTime() - Date.parse(caller.mfaAt)) / 1000)),
      );
    }
  }
  return context;
}

/**
 * The Query API's one authorization decision: the policy engine, with the condition
 * keys a signed request carries. Throws AccessDenied with AWS's message unless allowed.
 */
export async function authorizeApiCall(
  deps: Deps,
  caller: Caller,
  permission: string,
  resource: string,
  facts: ApiRequestFacts,
  options: AuthorizeOptions = {},
): Promise<void> {
  if (PERMISSION_FREE.has(permission)) return;
  await assertAuthorized(
    deps,
    caller.principal,
    permission,
    resource,
    signedRequestContext(deps, caller, facts),
    options,
  );
}
