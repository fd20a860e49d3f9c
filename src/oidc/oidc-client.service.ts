import type { Actor, RequestMeta } from '../audit/audit.service.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Deps } from '../deps.ts';
import { findAccount } from '../identities/account.repository.ts';
import { GatehouseError, invalid } from '../shared/errors.ts';
import { randomBase32 } from '../shared/secrets.ts';
import {
  type OidcClientRecord,
  deleteClientRow,
  findClient,
  insertClient,
  listClients,
  updateClientSecret,
} from './oidc-client.repository.ts';

/** The secret box client secrets are sealed in (associated data: the client ID). */
export const OIDC_CLIENT_SECRET_PURPOSE = 'oidc-client-secret';
const SECRET_PURPOSE = OIDC_CLIENT_SECRET_PURPOSE;

export interface NewClient {
  name: string;
  redirectUris: string[];
  postLogoutRedirectUris?: string[];
  /** A public client (a browser or native app) has no secret and must use PKCE. */
  public?: boolean;
  /** Consent is not asked: the account vouches for the application. */
  firstParty?: boolean;
}

/** What is shown about a client (never its secret). */
export interface ClientSummary {
  clientId: string;
  accountId: string;
  name: string;
  public: boolean;
  firstParty: boolean;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  arn: string;
  createdAt: string;
}

/** The ARN `gatehouse:SignInToClient` is decided on. */
export function clientArn(accountId: string, clientId: string): string {
  return `arn:aws:gatehouse::${accountId}:oidc-client/${clientId}`;
}

export function summaryOf(c: OidcClientRecord): ClientSummary {
  return {
    clientId: c.id,
    accountId: c.accountId,
    name: c.name,
    public: c.secretSealed === null,
    firstParty: c.firstParty,
    redirectUris: c.redirectUris,
    postLogoutRedirectUris: c.postLogoutRedirectUris,
    arn: clientArn(c.accountId, c.id),
    createdAt: c.createdAt,
  };
}

function checkUris(field: string, uris: string[], atLeastOne: boolean): string[] {
  if (atLeastOne && uris.length === 0) throw invalid(field, 'Give at least one redirect URI.');
  for (const uri of uris) {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw invalid(field, `${uri} is not an absolute URL.`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:')
      throw invalid(field, `${uri} must be an http or https URL.`);
    if (url.hash) throw invalid(field, `${uri} must not have a fragment (#…).`);
  }
  return [...new Set(uris)];
}

function sealSecret(deps: Deps, clientId: string, secret: string): string {
  return deps.keyring.box(SECRET_PURPOSE).seal(secret, clientId);
}

/** The client's secret in the clear, for the provider to check what a client presents; null for a public client. */
export function openClientSecret(deps: Deps, client: OidcClientRecord): string | null {
  if (client.secretSealed === null) return null;
  const opened = deps.keyring.box(SECRET_PURPOSE).open(client.secretSealed, client.id);
  if (opened === null)
    throw new Error(`The secret of OpenID Connect client ${client.id} does not open under SECRET_KEY.`);
  return opened;
}

/** Registers an application; its secret (for a confidential client) is returned this once. */
export async function createClient(
  deps: Deps,
  accountId: string,
  input: NewClient,
  actor: Actor,
  meta: RequestMeta,
): Promise<{ client: ClientSummary; clientSecret: string | null }> {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 128)
    throw invalid('name', 'Give the application a name of 1 to 128 characters.');
  const redirectUris = checkUris('redirectUri', input.redirectUris, true);
  const postLogoutRedirectUris = checkUris('postLogoutRedirectUri', input.postLogoutRedirectUris ?? [], false);
  const id = `ghc${randomBase32(10)}`;
  const secret = input.public ? null : randomBase32(32);
  const record: OidcClientRecord = {
    id,
    accountId,
    name,
    secretSealed: secret === null ? null : sealSecret(deps, id, secret),
    redirectUris,
    postLogoutRedirectUris,
    firstParty: input.firstParty ?? false,
    createdAt: deps.clock.now().toISOString(),
    secretRotatedAt: null,
  };
  await deps.db.transaction().execute(async (tx) => {
    if (!(await findAccount(tx, accountId)))
      throw new GatehouseError('NoSuchEntity', `The account ${accountId} does not exist.`);
    await insertClient(tx, record);
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: 'CreateOidcClient',
      target: { id, name },
      details: { public: secret === null, firstParty: record.firstParty, redirectUris },
    });
  });
  return { client: summaryOf(record), clientSecret: secret };
}

export async function listAccountClients(deps: Deps, accountId: string): Promise<ClientSummary[]> {
  return (await listClients(deps.db, accountId)).map(summaryOf);
}

/** A client as the provider reads it; null when unknown. */
export async function findClientById(deps: Deps, clientId: string): Promise<OidcClientRecord | null> {
  return findClient(deps.db, clientId);
}

function noSuchClient(accountId: string, clientId: string): GatehouseError {
  return new GatehouseError('NoSuchEntity', `The account ${accountId} has no OpenID Connect client ${clientId}.`);
}

export async function deleteClient(
  deps: Deps,
  accountId: string,
  clientId: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    if (!(await deleteClientRow(tx, accountId, clientId))) throw noSuchClient(accountId, clientId);
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: 'DeleteOidcClient',
      target: { id: clientId, name: null },
    });
  });
}

/** Gives a confidential client a new secret (returned this once); the old one stops working at once. */
export async function rotateClientSecret(
  deps: Deps,
  accountId: string,
  clientId: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<string> {
  const secret = randomBase32(32);
  await deps.db.transaction().execute(async (tx) => {
    const client = await findClient(tx, clientId);
    if (!client || client.accountId !== accountId) throw noSuchClient(accountId, clientId);
    if (client.secretSealed === null)
      throw new GatehouseError('ValidationError', `The client ${clientId} is public: it has no secret to rotate.`);
    await updateClientSecret(tx, clientId, sealSecret(deps, clientId, secret), deps.clock.now().toISOString());
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: 'RotateOidcClientSecret',
      target: { id: clientId, name: client.name },
    });
  });
  return secret;
}
