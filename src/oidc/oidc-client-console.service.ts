import { type AccessInput, mayUse } from '../authz/console-access.ts';
import type { ConsoleCaller } from '../authz/console-authorization.ts';
import type { Deps } from '../deps.ts';
import { OIDC_CLIENTS_ACCESS } from './oidc-client-access.ts';
import { type ClientSummary, getClient, listAccountClients } from './oidc-client.service.ts';

/**
 * What the console's Applications pages show, with which forms and links to offer: each the
 * decision its route makes (`OIDC_CLIENTS_ACCESS`), so a form is shown exactly when posting it
 * would be allowed.
 */

export interface ClientsListView {
  clients: ClientSummary[];
  mayCreate: boolean;
}

export async function loadClientsList(deps: Deps, who: ConsoleCaller): Promise<ClientsListView> {
  const [clients, mayCreate] = await Promise.all([
    listAccountClients(deps, who.principal.accountId),
    mayUse(deps, who, OIDC_CLIENTS_ACCESS.create),
  ]);
  return { clients, mayCreate };
}

export interface ClientPageView {
  client: ClientSummary;
  mayUpdate: boolean;
  /** Only a confidential client has a secret to rotate. */
  mayRotateSecret: boolean;
  mayDelete: boolean;
}

/** One client of the signed-in principal's account; NoSuchEntity when the account has none of that ID. */
export async function loadClient(deps: Deps, who: ConsoleCaller, clientId: string): Promise<ClientSummary> {
  return getClient(deps, who.principal.accountId, clientId);
}

export async function loadClientView(deps: Deps, who: ConsoleCaller, clientId: string): Promise<ClientPageView> {
  const client = await loadClient(deps, who, clientId);
  const input: AccessInput = { params: { clientId: client.clientId }, body: {} };
  const [mayUpdate, mayRotate, mayDelete] = await Promise.all([
    mayUse(deps, who, OIDC_CLIENTS_ACCESS.update, input),
    mayUse(deps, who, OIDC_CLIENTS_ACCESS.rotateSecret, input),
    mayUse(deps, who, OIDC_CLIENTS_ACCESS.delete, input),
  ]);
  return { client, mayUpdate, mayRotateSecret: mayRotate && !client.public, mayDelete };
}
