import { userArn } from '../identities/principal.ts';
import { findUserByName } from '../identities/user.repository.ts';
import { type ResourceOf, mayUse, param, permission } from '../authz/console-access.ts';
import type { ConsoleCaller } from '../authz/console-authorization.ts';
import type { Deps } from '../deps.ts';
import { type HelpRequestRecord, findPendingHelpRequest, listPendingHelpRequests } from './help-request.repository.ts';

/** The user who asked (`user/*` when the request is unknown or closed: the handler then says so). */
const askingUser: ResourceOf = async (input, who, deps) => {
  const accountId = who.principal.accountId;
  const request = await findPendingHelpRequest(deps.db, accountId, param(input, 'id'), 'password');
  const user = request ? await findUserByName(deps.db, accountId, request.userName) : null;
  return userArn(accountId, user?.path ?? '/', user?.name ?? request?.userName ?? '*');
};

/**
 * Dismissing a "forgot my password" request is deciding not to reset that user's
 * password: it takes the permission that would reset it (iam:UpdateLoginProfile on the user).
 */
export const DISMISS_HELP_REQUEST = permission({ action: 'iam:UpdateLoginProfile', resource: askingUser });

/** The open "forgot my password" requests of the viewer's account, and those the viewer may dismiss. */
export async function loadPasswordHelpRequests(
  deps: Deps,
  viewer: ConsoleCaller,
): Promise<{ requests: HelpRequestRecord[]; mayDismiss: Set<string> }> {
  const requests = await listPendingHelpRequests(deps.db, viewer.principal.accountId);
  const dismissible = await Promise.all(
    requests.map((r) => mayUse(deps, viewer, DISMISS_HELP_REQUEST, { params: { id: r.id }, body: {} })),
  );
  return { requests, mayDismiss: new Set(requests.filter((_r, i) => dismissible[i]).map((r) => r.id)) };
}
