import { type Need, type ResourceOf, param, permission } from '../authz/console-access.ts';
import { wholeAccount } from '../authz/console-resources.ts';
import { clientArn } from './oidc-client.service.ts';

/**
 * The Applications pages' permissions: Gatehouse's own actions (the IAM Query API has none for
 * OpenID Connect clients), each on the client's ARN `arn:aws:gatehouse::ACCOUNT:oidc-client/ID`,
 * the ARN `gatehouse:SignInToClient` is decided on. The list is on `*`, as IAM's list actions are.
 * A client that does not exist is named as if it did: the decision comes first, so a refused
 * person never learns whether it exists.
 */

/** The client the URL names (`:clientId`). */
const clientInUrl: ResourceOf = (input, who) => clientArn(who.principal.accountId, param(input, 'clientId'));

/** A client not made yet: its ID is chosen when it is created, so any client of the account. */
const newClient: ResourceOf = (_input, who) => clientArn(who.principal.accountId, '*');

const onClient = (action: string): Need => ({ action, resource: clientInUrl });

export const OIDC_CLIENTS_ACCESS = {
  list: permission({ action: 'gatehouse:ListOidcClients', resource: wholeAccount }),
  create: permission({ action: 'gatehouse:CreateOidcClient', resource: newClient }),
  view: permission(onClient('gatehouse:GetOidcClient')),
  update: permission(onClient('gatehouse:UpdateOidcClient')),
  rotateSecret: permission(onClient('gatehouse:RotateOidcClientSecret')),
  delete: permission(onClient('gatehouse:DeleteOidcClient')),
};
