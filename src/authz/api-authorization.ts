import type { Deps } from '../deps.ts';
import { assertAuthorized } from '../policies/authorization.service.ts';
import type { Caller } from './api-caller.ts';

/** Actions AWS lets every authenticated caller make, whatever its policies say. */
const PERMISSION_FREE = new Set(['sts:GetCallerIdentity', 'sts:GetSessionToken', 'sts:GetAccessKeyInfo']);

export interface ApiRequestFacts {
  sourceIp: string;
  secureTransport: boolean;
  /** Keys the Action adds for this request, e.g. `iam:PolicyARN`. */
  conditionKeys?: Record<string, string>;
}

/**
 * The Query API's one authorization decision: the policy engine, with the condition
 * keys a signed request carries. MFA keys are present only for temporary credentials,
 * as in AWS, so `BoolIfExists` policies treat long-term keys as "no MFA known".
 * Throws AccessDenied with AWS's message unless allowed.
 */
export async function authorizeApiCall(
  deps: Deps,
  caller: Caller,
  permission: string,
  resource: string,
  facts: ApiRequestFacts,
): Promise<void> {
  if (PERMISSION_FREE.has(permission)) return;
  const context: Record<string, string> = {
    'aws:SourceIp': facts.sourceIp,
    'aws:SecureTransport': facts.secureTransport ? 'true' : 'false',
    'aws:RequestedRegion': caller.region,
    ...facts.conditionKeys,
  };
  if (caller.credentialType === 'session') {
    context['aws:MultiFactorAuthPresent'] = caller.mfaAt ? 'true' : 'false';
    if (caller.mfaAt) {
      context['aws:MultiFactorAuthAge'] = String(
        Math.max(0, Math.floor((deps.clock.now().getTime() - Date.parse(caller.mfaAt)) / 1000)),
      );
    }
  }
  await assertAuthorized(deps, caller.principal, permission, resource, context);
}
