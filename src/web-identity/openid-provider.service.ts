import { type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError } from '../shared/errors.ts';
import { type Tag, assertDistinctTagKeys } from '../user-tags/user-tag.service.ts';
import {
  type OpenIdProviderRecord,
  countClientIds,
  countOpenIdProviders,
  deleteClientId,
  deleteOpenIdProvider,
  findOpenIdProvider,
  hasOpenIdProvider,
  insertClientId,
  insertOpenIdProvider,
  listOpenIdProviderNames,
  setThumbprints,
} from './openid-provider.repository.ts';
import { providerArn, readProviderArn, readProviderUrl } from './provider-url.ts';

/**
 * IAM OpenID Connect identity providers: the issuers whose ID tokens an account's roles may
 * accept (AssumeRoleWithWebIdentity), with the audiences (client IDs) those tokens may be for.
 * Each change is one transaction with its audit event, named after the AWS action. Thumbprints
 * are kept and shown as AWS does, but trust in an issuer's keys comes from TLS (Node.js's
 * certificate authorities), or from the database for Gatehouse's own issuer.
 */

export const OIDC_PROVIDER_QUOTAS = { providersPerAccount: 100, clientIdsPerProvider: 100, thumbprints: 5 } as const;

export interface NewOpenIdProvider {
  url: string;
  clientIds: string[];
  thumbprints: string[];
  tags: Tag[];
}

const THUMBPRINT = /^[0-9a-fA-F]{40}$/;

function assertThumbprints(thumbprints: string[]): string[] {
  const bad = thumbprints.find((t) => !THUMBPRINT.test(t));
  if (bad !== undefined)
    throw new GatehouseError('InvalidInput', `Thumbprint ${bad} is not 40 hexadecimal digits (a SHA-1 fingerprint).`);
  return [...new Set(thumbprints)];
}

function tooManyClientIds(): GatehouseError {
  return new GatehouseError(
    'LimitExceeded',
    `Cannot exceed quota for ClientIdsPerOpenIdConnectProvider: ${OIDC_PROVIDER_QUOTAS.clientIdsPerProvider}`,
  );
}

function notFound(arn: string): GatehouseError {
  return new GatehouseError('NoSuchEntity', `OpenIDConnect Provider not found for arn ${arn}`);
}

/** The name (`host/path`) an ARN gives a provider of `accountId`: NoSuchEntity for another account's. */
function nameIn(accountId: string, arn: string): string {
  const read = readProviderArn(arn);
  if (!read) throw new GatehouseError('InvalidInput', `ARN ${arn} is not valid.`);
  if (read.accountId !== accountId) throw notFound(arn);
  return read.name;
}

export async function createOpenIdProvider(
  deps: Deps,
  accountId: string,
  input: NewOpenIdProvider,
  actor: Actor,
  meta: RequestMeta,
): Promise<OpenIdProviderRecord & { arn: string }> {
  const read = readProviderUrl(input.url, deps.publicUrl);
  if (!read.ok) throw new GatehouseError('InvalidInput', read.problem, { field: 'url' });
  const clientIds = [...new Set(input.clientIds)].sort();
  if (clientIds.length > OIDC_PROVIDER_QUOTAS.clientIdsPerProvider) throw tooManyClientIds();
  assertDistinctTagKeys(input.tags);
  const provider: OpenIdProviderRecord = {
    accountId,
    name: read.url.name,
    issuer: read.url.issuer,
    clientIds,
    thumbprints: assertThumbprints(input.thumbprints),
    tags: input.tags.map((t) => ({ key: t.key, value: t.value })),
    createdAt: deps.clock.now().toISOString(),
  };
  const arn = providerArn(accountId, provider.name);
  const exists = () => new GatehouseError('EntityAlreadyExists', `Provider with url ${input.url} already exists.`);
  await deps.db.transaction().execute(async (tx) => {
    if (await hasOpenIdProvider(tx, accountId, provider.name)) throw exists();
    if ((await countOpenIdProviders(tx, accountId)) >= OIDC_PROVIDER_QUOTAS.providersPerAccount)
      throw new GatehouseError(
        'LimitExceeded',
        `Cannot exceed quota for OpenIdConnectProvidersPerAccount: ${OIDC_PROVIDER_QUOTAS.providersPerAccount}`,
      );
    if (!(await insertOpenIdProvider(tx, provider))) throw exists();
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: 'CreateOpenIDConnectProvider',
      target: { id: arn, name: provider.name },
      details: { issuer: provider.issuer, clientIds, thumbprints: provider.thumbprints },
    });
  });
  return { ...provider, arn };
}

export async function getOpenIdProvider(deps: Deps, accountId: string, arn: string): Promise<OpenIdProviderRecord> {
  const provider = await findOpenIdProvider(deps.db, accountId, nameIn(accountId, arn));
  if (!provider) throw notFound(arn);
  return provider;
}

/** The ARNs of the account's providers. */
export async function listOpenIdProviders(deps: Deps, accountId: string): Promise<string[]> {
  return (await listOpenIdProviderNames(deps.db, accountId)).map((name) => providerArn(accountId, name));
}

/**
 * One change to an existing provider in a transaction with its audit event: NoSuchEntity
 * when the account has no provider under that ARN.
 */
async function changeProvider(
  deps: Deps,
  accountId: string,
  arn: string,
  event: { eventName: string; details: Record<string, unknown>; actor: Actor; meta: RequestMeta },
  change: (tx: Deps['db'], name: string) => Promise<void>,
): Promise<void> {
  const name = nameIn(accountId, arn);
  await deps.db.transaction().execute(async (tx) => {
    if (!(await hasOpenIdProvider(tx, accountId, name))) throw notFound(arn);
    await change(tx, name);
    await recordAudit(tx, deps, event.meta, {
      accountId,
      actor: event.actor,
      eventName: event.eventName,
      target: { id: arn, name },
      details: event.details,
    });
  });
}

/** Replaces the provider's thumbprints with these (at most five). */
export async function updateOpenIdProviderThumbprints(
  deps: Deps,
  accountId: string,
  arn: string,
  thumbprints: string[],
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  const kept = assertThumbprints(thumbprints);
  await changeProvider(
    deps,
    accountId,
    arn,
    { eventName: 'UpdateOpenIDConnectProviderThumbprint', details: { thumbprints: kept }, actor, meta },
    (tx, name) => setThumbprints(tx, accountId, name, kept),
  );
}

/**
 * Adds or removes an audience. As in AWS, adding one the provider has already, or removing one
 * it lacks, changes nothing; more than 100 is LimitExceeded.
 */
export async function changeOpenIdProviderClientId(
  deps: Deps,
  accountId: string,
  arn: string,
  change: 'add' | 'remove',
  clientId: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  const eventName = change === 'add' ? 'AddClientIDToOpenIDConnectProvider' : 'RemoveClientIDFromOpenIDConnectProvider';
  await changeProvider(deps, accountId, arn, { eventName, details: { clientId }, actor, meta }, async (tx, name) => {
    if (change === 'remove') return deleteClientId(tx, accountId, name, clientId);
    await insertClientId(tx, accountId, name, clientId);
    if ((await countClientIds(tx, accountId, name)) > OIDC_PROVIDER_QUOTAS.clientIdsPerProvider)
      throw tooManyClientIds();
  });
}

/** Deletes the provider: its tokens are refused from then on, whatever the roles' trust policies say. */
export async function removeOpenIdProvider(
  deps: Deps,
  accountId: string,
  arn: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await changeProvider(
    deps,
    accountId,
    arn,
    { eventName: 'DeleteOpenIDConnectProvider', details: {}, actor, meta },
    (tx, name) => deleteOpenIdProvider(tx, accountId, name),
  );
}

/**
 * The account's provider whose tokens carry `iss` = `issuer` (the scheme included); null when
 * it has none.
 */
export async function findProviderOfIssuer(
  deps: Deps,
  accountId: string,
  issuer: string,
): Promise<OpenIdProviderRecord | null> {
  const read = readProviderUrl(issuer, deps.publicUrl);
  if (!read.ok) return null;
  const provider = await findOpenIdProvider(deps.db, accountId, read.url.name);
  return provider?.issuer === read.url.issuer ? provider : null;
}
