import type { Caller } from '../authz/api-caller.ts';
import { GatehouseError } from '../shared/errors.ts';

/**
 * AWS's limits on temporary credentials, before any policy is read.
 * - From GetSessionToken: without MFA, IAM Actions refuse the token as invalid; with MFA
 *   (SerialNumber + TokenCode) they are allowed. Of STS, only AssumeRole and GetCallerIdentity
 *   may be called, and GetSessionToken says why it may not.
 * - From AssumeRole (a role session): IAM Actions are left to the role's permissions; every STS
 *   Action but GetSessionToken may be called (AssumeRole again is role chaining).
 */
export function assertSessionCredentialsMayCall(caller: Caller, action: string, permission: string): void {
  if (caller.credentialType !== 'session') return;
  if (action === 'GetSessionToken')
    throw new GatehouseError('AccessDenied', 'Cannot call GetSessionToken with session credentials');
  if (caller.principal.type === 'assumed-role') return;
  if (permission.startsWith('iam:') && !caller.mfaAt) {
    throw new GatehouseError('InvalidClientTokenId', 'The security token included in the request is invalid');
  }
  if (action === 'GetCallerIdentity' || action === 'AssumeRole' || permission.startsWith('iam:')) return;
  throw new GatehouseError(
    'AccessDenied',
    `User: ${caller.principal.arn} is not authorized to perform: ${permission} with session credentials`,
  );
}
