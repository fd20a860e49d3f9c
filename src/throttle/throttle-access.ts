import { permission } from '../authz/console-access.ts';
import { userInUrl } from '../authz/console-resources.ts';

/** Lifting a stop on a user's sign-in: what resetting its password would take (iam:UpdateLoginProfile). */
export const UNLOCK_SIGN_IN = permission({ action: 'iam:UpdateLoginProfile', resource: userInUrl() });
