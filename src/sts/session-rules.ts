import type { Caller } from '../authz/api-caller.ts';
import { GatehouseError } from '../shared/errors.ts';

/**
 * AWS's limits on temporary credentials from GetSessionToken: without MFA, IAM Actions
 * refuse the token as invalid; with MFA (SerialNumber + TokenCode) they are allowed. Of
 * STS, only GetCallerIdentity may be called, and GetSessionToken says why it may not.
 */
export function assertSessionCredentialsMayCall(caller: Caller, action: string, permission: string): void {
  if (caller.credentialType !== 'session') return;
  if (permission.startsWith('iam:') && !caller.mfaAt) {
    throw new GatehouseError('InvalidClientTokenId', 'The security token included in the request is invalid');
  }
  if (action === 'GetCallerIdentity' || permission.startsWith('iam:')) return;
  if (action === 'GetSessionToken')
    throw new GatehouseError('AccessDenied', 'Cannot call GetSessionToken with session credentials');
  throw new GatehouseError(
    'AccessDenied',
    `User: ${caller.principal.arn} is not authorized to perform: ${permission} with session credentials`,
  );
}
