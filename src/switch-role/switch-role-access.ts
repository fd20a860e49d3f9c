import { ownSession } from '../authz/console-access.ts';

/**
 * Switch role has no IAM action of its own: whether the user may act as the role is what STS
 * AssumeRole decides (the role's trust policy, and the user's own policies), when the form is
 * sent. The page and Switch back concern the signed-in session only.
 */
export const SWITCH_ROLE_ACCESS = {
  page: ownSession(
    'The Switch role page shows the signed-in IAM user its form and the roles it used recently in this browser.',
  ),
  switch: ownSession(
    'Switching is decided by STS AssumeRole itself, as the Query API decides it: the role’s trust policy and the user’s own policies (sts:AssumeRole), with the session’s MFA state.',
  ),
  back: ownSession('Switch back ends the role session the signed-in console acts as, and acts as the user again.'),
};
