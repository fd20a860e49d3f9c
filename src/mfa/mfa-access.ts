import { type Principal, userArn } from '../identities/principal.ts';
import { type ResourceOf, formText, ownCredentials, param, permission } from '../authz/console-access.ts';
import { signedInPrincipal, userInUrl } from '../authz/console-resources.ts';
import { findPendingHelpRequest } from '../recovery/help-request.repository.ts';
import { findUserById } from '../identities/user.repository.ts';
import { virtualSerial } from './mfa.service.ts';

/** The name the console suggests for a new authenticator app: the user's own name, as the AWS console once did. */
export function suggestedDeviceName(principal: Principal): string {
  return principal.type === 'user' ? principal.name : 'root-account-mfa-device';
}

/** The serial of the authenticator app the form names (the suggested name until one is typed). */
const newVirtualDevice: ResourceOf = (input, who) =>
  virtualSerial(who.principal.accountId, '/', formText(input, 'name').trim() || suggestedDeviceName(who.principal));

/**
 * The Query API's permissions for the same MFA changes, on the same resources: a new
 * virtual device is `mfa/<name>`, everything else the user it belongs to. Nothing here is
 * granted by default: an IAM user manages its own devices when a policy allows it, as in AWS.
 */
export const MFA_ACCESS = {
  createAuthenticator: ownCredentials(permission({ action: 'iam:CreateVirtualMFADevice', resource: newVirtualDevice })),
  /** Enabling an app, registering a security key, and creating recovery codes (another way past the MFA step). */
  enable: ownCredentials(permission({ action: 'iam:EnableMFADevice', resource: signedInPrincipal })),
  resync: ownCredentials(permission({ action: 'iam:ResyncMFADevice', resource: signedInPrincipal })),
  deactivate: ownCredentials(permission({ action: 'iam:DeactivateMFADevice', resource: signedInPrincipal })),
};

/** An administrator deactivates the device of the user the URL names. */
export const ADMIN_DEACTIVATE_MFA = permission({ action: 'iam:DeactivateMFADevice', resource: userInUrl() });

/** The user who asked for MFA help (the request in the URL); every user of the account when the request is gone. */
const askingUser: ResourceOf = async (input, who, deps) => {
  const accountId = who.principal.accountId;
  const request = await findPendingHelpRequest(deps.db, accountId, param(input, 'id'), 'mfa');
  const user = request ? await findUserById(deps.db, request.userId) : null;
  return userArn(accountId, user?.path ?? '/', user?.name ?? '*');
};

/**
 * Acting on an MFA help request, either way, takes the permission the Query API's
 * DeactivateMFADevice asks for on that user: whoever may fulfil it decides its fate.
 */
export const ACT_ON_MFA_HELP = permission({ action: 'iam:DeactivateMFADevice', resource: askingUser });
