import type { Actor, RequestMeta } from '../audit/audit.service.ts';
import { recordAudit } from '../audit/audit.service.ts';
import type { Db } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import { findAccount } from '../identities/account.repository.ts';
import { GatehouseError, invalid } from '../shared/errors.ts';
import { randomBase32 } from '../shared/secrets.ts';
import {
  type ClientSettings,
  type OidcClientRecord,
  deleteClientRow,
  findClient,
  insertClient,
  listClients,
  updateClientSecret,
  updateClientSettings,
} from './oidc-client.repository.ts';
import { ALWAYS_ALLOWED_SCOPE, OIDC_SCOPES } from './oidc-scopes.ts';

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
  /** The scopes it may ask for (`openid` always); every scope when not given. */
  allowedScopes?: string[];
}

export type { ClientSettings };

/** What an update changes: only the settings given. */
export type ClientChanges = Partial<ClientSettings>;

/** What is shown about a client (never its secret). */
export interface ClientSummary {
  clientId: string;
  accountId: string;
  name: string;
  public: boolean;
  firstParty: boolean;
  redirectUris: string[];
  postLogoutRedirectUris: string[];
  allowedScopes: string[];
  arn: string;
  createdAt: string;
  secretRotatedAt: string | null;
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
    allowedScopes: c.allowedScopes,
    arn: clientArn(c.accountId, c.id),
    createdAt: c.createdAt,
    secretRotatedAt: c.secretRotatedAt,
  };
}

/** The most redirect (or post-logout) URIs a client has, and the longest one. */
export const MAX_CLIENT_URIS = 20;
export const MAX_URI_LENGTH = 2048;

/** Hosts an application may be reached at over plain http: the machine itself, during development. */
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * The one rule for a redirect or post-logout URI: absolute, http(s), no fragment, and https
 * unless it names the machine itself. Null when the URI is acceptable.
 */
function uriProblem(uri: string): string | null {
  if (uri.length > MAX_URI_LENGTH) return `A URI may be at most ${MAX_URI_LENGTH} characters long.`;
  const url = URL.parse(uri);
  if (!url) return `${uri} is not an absolute URL.`;
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return `${uri} must be an http or https URL.`;
  if (url.hash || uri.includes('#')) return `${uri} must not have a fragment (#…).`;
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname))
    return `${uri} must use https: plain http is only for localhost, 127.0.0.1 or [::1].`;
  return null;
}

function urisProblem(uris: readonly string[], atLeastOne: boolean): string | null {
  if (atLeastOne && uris.length === 0) return 'Give at least one redirect URI.';
  if (new Set(uris).size > MAX_CLIENT_URIS) return `Give at most ${MAX_CLIENT_URIS} URIs.`;
  for (const uri of uris) {
    const problem = uriProblem(uri);
    if (problem) return problem;
  }
  return null;
}

function scopesProblem(scopes: readonly string[]): string | null {
  const unknown = scopes.find((s) => !(OIDC_SCOPES as readonly string[]).includes(s));
  return unknown === undefined
    ? null
    : `${unknown} is not a scope Gatehouse offers: choose from ${OIDC_SCOPES.join(', ')}.`;
}

export type ClientField = 'name' | 'redirectUris' | 'postLogoutRedirectUris' | 'allowedScopes';

/**
 * Everything wrong with the settings given (those not given are not checked), by field: the
 * console shows each at its field, the CLI the first. Create and update check with this.
 */
export function clientSettingsProblems(s: ClientChanges): Partial<Record<ClientField, string>> {
  const problems: Partial<Record<ClientField, string | null>> = {
    name:
      s.name !== undefined && (s.name.trim().length === 0 || s.name.trim().length > 128)
        ? 'Give the application a name of 1 to 128 characters.'
        : null,
    redirectUris: s.redirectUris ? urisProblem(s.redirectUris, true) : null,
    postLogoutRedirectUris: s.postLogoutRedirectUris ? urisProblem(s.postLogoutRedirectUris, false) : null,
    allowedScopes: s.allowedScopes ? scopesProblem(s.allowedScopes) : null,
  };
  return Object.fromEntries(Object.entries(problems).filter(([, message]) => message)) as Partial<
    Record<ClientField, string>
  >;
}

/** The settings given, checked (ValidationError at the first field that is wrong) and in their stored form. */
function checked<S extends ClientChanges>(s: S): S {
  const [first] = Object.entries(clientSettingsProblems(s));
  if (first) throw invalid(first[0], first[1]);
  const out: ClientChanges = { ...s };
  if (s.name !== undefined) out.name = s.name.trim();
  if (s.redirectUris) out.redirectUris = [...new Set(s.redirectUris)];
  if (s.postLogoutRedirectUris) out.postLogoutRedirectUris = [...new Set(s.postLogoutRedirectUris)];
  if (s.allowedScopes) {
    const wanted = new Set([ALWAYS_ALLOWED_SCOPE, ...s.allowedScopes]);
    out.allowedScopes = OIDC_SCOPES.filter((scope) => wanted.has(scope));
  }
  return out as S;
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
  const settings = checked({
    name: input.name,
    redirectUris: input.redirectUris,
    postLogoutRedirectUris: input.postLogoutRedirectUris ?? [],
    firstParty: input.firstParty ?? false,
    allowedScopes: input.allowedScopes ?? [...OIDC_SCOPES],
  });
  const id = `ghc${randomBase32(10)}`;
  const secret = input.public ? null : randomBase32(32);
  const record: OidcClientRecord = {
    id,
    accountId,
    ...settings,
    secretSealed: secret === null ? null : sealSecret(deps, id, secret),
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
      target: { id, name: record.name },
      details: {
        public: secret === null,
        firstParty: record.firstParty,
        redirectUris: record.redirectUris,
        allowedScopes: record.allowedScopes,
      },
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

async function clientOfAccount(db: Db, accountId: string, clientId: string): Promise<OidcClientRecord> {
  const client = await findClient(db, clientId);
  if (!client || client.accountId !== accountId) throw noSuchClient(accountId, clientId);
  return client;
}

/** One client of the account (never its secret); NoSuchEntity when the account has no such client. */
export async function getClient(deps: Deps, accountId: string, clientId: string): Promise<ClientSummary> {
  return summaryOf(await clientOfAccount(deps.db, accountId, clientId));
}

/**
 * Changes the settings given (name, redirect and post-logout URIs, allowed scopes, first-party);
 * the provider reads them on its next request. Returns the client as it now is.
 */
export async function updateClient(
  deps: Deps,
  accountId: string,
  clientId: string,
  changes: ClientChanges,
  actor: Actor,
  meta: RequestMeta,
): Promise<ClientSummary> {
  const given = checked(
    Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as ClientChanges,
  );
  if (Object.keys(given).length === 0) throw invalid('form', 'Give at least one setting to change.');
  return deps.db.transaction().execute(async (tx) => {
    const client = await clientOfAccount(tx, accountId, clientId);
    const updated: OidcClientRecord = { ...client, ...given };
    await updateClientSettings(tx, clientId, updated);
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: 'UpdateOidcClient',
      target: { id: clientId, name: updated.name },
      details: given,
    });
    return summaryOf(updated);
  });
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

/**
 * Gives a confidential client a new secret (returned this once, with the client as it now is);
 * the old one stops working at once.
 */
export async function rotateClientSecret(
  deps: Deps,
  accountId: string,
  clientId: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<{ client: ClientSummary; clientSecret: string }> {
  const secret = randomBase32(32);
  return deps.db.transaction().execute(async (tx) => {
    const client = await clientOfAccount(tx, accountId, clientId);
    if (client.secretSealed === null)
      throw new GatehouseError('ValidationError', `The client ${clientId} is public: it has no secret to rotate.`);
    const secretSealed = sealSecret(deps, clientId, secret);
    const secretRotatedAt = deps.clock.now().toISOString();
    await updateClientSecret(tx, clientId, secretSealed, secretRotatedAt);
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: 'RotateOidcClientSecret',
      target: { id: clientId, name: client.name },
    });
    return { client: summaryOf({ ...client, secretSealed, secretRotatedAt }), clientSecret: secret };
  });
}
