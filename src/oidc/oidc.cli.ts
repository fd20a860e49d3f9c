import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import type { Command } from '../cli/cli-io.ts';
import { accountIdOf } from '../cli/account-ref.ts';
import { UsageError, printResult, required } from '../cli/cli-io.ts';
import type { Runtime } from '../runtime.ts';
import {
  type ClientSummary,
  createClient,
  deleteClient,
  getClient,
  listAccountClients,
  rotateClientSecret,
  updateClient,
} from './oidc-client.service.ts';
import { OIDC_SCOPES } from './oidc-scopes.ts';
import { KEPT_GENERATIONS, describeSigningKeys, rotateSigningKey } from './oidc-keys.service.ts';

type WithRuntime = <T>(work: (runtime: Runtime) => Promise<T>) => Promise<T>;

/** A flag given any number of times (`--redirect-uri A --redirect-uri B`). */
function all(values: Record<string, unknown>, name: string): string[] {
  const value = values[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

/** A repeatable flag's values, or undefined when it was not given (nothing to change). */
function given(values: Record<string, unknown>, name: string): string[] | undefined {
  return values[name] === undefined ? undefined : all(values, name);
}

/** A client as people read it (never its secret). */
function describeClient(c: ClientSummary): string {
  return [
    `ClientId                ${c.clientId}`,
    `Name                    ${c.name}`,
    `Type                    ${c.public ? 'public (PKCE, no secret)' : 'confidential (client_secret_basic)'}`,
    `FirstParty              ${c.firstParty ? 'yes' : 'no'}`,
    `RedirectUris            ${c.redirectUris.join(' ')}`,
    `PostLogoutRedirectUris  ${c.postLogoutRedirectUris.join(' ') || '-'}`,
    `AllowedScopes           ${c.allowedScopes.join(' ')}`,
    `ARN                     ${c.arn}`,
    `Created                 ${c.createdAt}`,
  ].join('\n');
}

const SCOPES_HELP = `--scope (repeatable) names the scopes the client may ask for, among ${OIDC_SCOPES.join(', ')};
openid is always allowed, and a request for any other scope is refused (invalid_scope).`;

/** `gatehouse oidc-client …` and `gatehouse oidc-keys …`: single sign-on applications and the provider's keys. */
export function oidcCommands(withRuntime: WithRuntime): Record<string, Command> {
  return {
    'oidc-client create': {
      summary: 'Register an application that signs people in through Gatehouse (OpenID Connect).',
      help: `Usage: gatehouse oidc-client create --account ID_OR_ALIAS --name NAME --redirect-uri URI [--redirect-uri URI …]
         [--post-logout-redirect-uri URI …] [--scope S …] [--public] [--first-party] [--json]

Registers an OpenID Connect client of the account. A confidential client (the default) gets a
secret, shown only now, and authenticates with HTTP Basic (client_secret_basic); --public makes
a client without a secret (a browser or native app), which must use PKCE. --first-party skips
the consent page. Who may sign in is decided by gatehouse:SignInToClient on the client's ARN.
Without --scope the client may ask for every scope. ${SCOPES_HELP}
Redirect URIs are absolute https URLs without a fragment (plain http only for localhost,
127.0.0.1 or [::1]). The issuer is PUBLIC_URL/oidc. --json prints {"clientId","clientSecret","arn",…}.`,
      options: {
        account: { type: 'string' },
        name: { type: 'string' },
        'redirect-uri': { type: 'string', multiple: true },
        'post-logout-redirect-uri': { type: 'string', multiple: true },
        scope: { type: 'string', multiple: true },
        public: { type: 'boolean' },
        'first-party': { type: 'boolean' },
      },
      run: async (values) => {
        const ref = required(values, 'account');
        const name = required(values, 'name');
        const redirectUris = all(values, 'redirect-uri');
        if (redirectUris.length === 0) throw new UsageError('--redirect-uri is required.');
        return withRuntime(async (runtime) => {
          const { client, clientSecret } = await createClient(
            runtime.deps,
            await accountIdOf(runtime, ref),
            {
              name,
              redirectUris,
              postLogoutRedirectUris: all(values, 'post-logout-redirect-uri'),
              allowedScopes: given(values, 'scope'),
              public: values.public === true,
              firstParty: values['first-party'] === true,
            },
            CLI_ACTOR,
            SYSTEM_META,
          );
          printResult(
            values.json === true,
            { ...client, clientSecret },
            [
              `ClientId     ${client.clientId}`,
              clientSecret
                ? `ClientSecret ${clientSecret}\n(The secret is shown only now.)`
                : 'Public client: no secret, PKCE required.',
              `ARN          ${client.arn}`,
            ].join('\n'),
          );
          return 0;
        });
      },
    },
    'oidc-client list': {
      summary: "List an account's OpenID Connect clients.",
      help: `Usage: gatehouse oidc-client list --account ID_OR_ALIAS [--json]

Lists the account's clients (never their secrets).`,
      options: { account: { type: 'string' } },
      run: async (values) => {
        const ref = required(values, 'account');
        return withRuntime(async (runtime) => {
          const clients = await listAccountClients(runtime.deps, await accountIdOf(runtime, ref));
          const lines = clients.map(
            (c) =>
              `${c.clientId}  ${c.public ? 'public      ' : 'confidential'}  ${c.firstParty ? 'first-party' : '           '}  ${c.name}  ${c.redirectUris.join(' ')}`,
          );
          printResult(values.json === true, clients, lines.length ? lines.join('\n') : 'No clients.');
          return 0;
        });
      },
    },
    'oidc-client show': {
      summary: 'Show one OpenID Connect client (never its secret).',
      help: `Usage: gatehouse oidc-client show --account ID_OR_ALIAS --client-id ID [--json]

Shows the client's settings: name, type, first-party, redirect and post-logout URIs, allowed
scopes, ARN. --json prints {"clientId","name","public","firstParty","redirectUris",…}.`,
      options: { account: { type: 'string' }, 'client-id': { type: 'string' } },
      run: async (values) => {
        const ref = required(values, 'account');
        const clientId = required(values, 'client-id');
        return withRuntime(async (runtime) => {
          const client = await getClient(runtime.deps, await accountIdOf(runtime, ref), clientId);
          printResult(values.json === true, client, describeClient(client));
          return 0;
        });
      },
    },
    'oidc-client update': {
      summary: "Change an OpenID Connect client's name, URIs, scopes or first-party flag.",
      help: `Usage: gatehouse oidc-client update --account ID_OR_ALIAS --client-id ID [--name NAME]
         [--redirect-uri URI …] [--post-logout-redirect-uri URI …] [--no-post-logout-redirect-uris]
         [--scope S …] [--first-party | --no-first-party] [--json]

Changes only what is given: each repeatable flag replaces the whole list
(--no-post-logout-redirect-uris empties that one). ${SCOPES_HELP}
The provider reads the new settings on its next request. --json prints the client as \`show\` does.`,
      options: {
        account: { type: 'string' },
        'client-id': { type: 'string' },
        name: { type: 'string' },
        'redirect-uri': { type: 'string', multiple: true },
        'post-logout-redirect-uri': { type: 'string', multiple: true },
        'no-post-logout-redirect-uris': { type: 'boolean' },
        scope: { type: 'string', multiple: true },
        'first-party': { type: 'boolean' },
        'no-first-party': { type: 'boolean' },
      },
      run: async (values) => {
        const ref = required(values, 'account');
        const clientId = required(values, 'client-id');
        if (values['first-party'] === true && values['no-first-party'] === true)
          throw new UsageError('Give --first-party or --no-first-party, not both.');
        const clearLogout = values['no-post-logout-redirect-uris'] === true;
        if (clearLogout && values['post-logout-redirect-uri'] !== undefined)
          throw new UsageError('Give --post-logout-redirect-uri or --no-post-logout-redirect-uris, not both.');
        const firstParty =
          values['first-party'] === true ? true : values['no-first-party'] === true ? false : undefined;
        return withRuntime(async (runtime) => {
          const client = await updateClient(
            runtime.deps,
            await accountIdOf(runtime, ref),
            clientId,
            {
              name: typeof values.name === 'string' ? values.name : undefined,
              redirectUris: given(values, 'redirect-uri'),
              postLogoutRedirectUris: clearLogout ? [] : given(values, 'post-logout-redirect-uri'),
              allowedScopes: given(values, 'scope'),
              firstParty,
            },
            CLI_ACTOR,
            SYSTEM_META,
          );
          printResult(values.json === true, client, describeClient(client));
          return 0;
        });
      },
    },
    'oidc-client delete': {
      summary: 'Delete an OpenID Connect client.',
      help: `Usage: gatehouse oidc-client delete --account ID_OR_ALIAS --client-id ID [--json]

Deletes the client: nobody can sign in to it any more, and its tokens stop working.`,
      options: { account: { type: 'string' }, 'client-id': { type: 'string' } },
      run: async (values) => {
        const ref = required(values, 'account');
        const clientId = required(values, 'client-id');
        return withRuntime(async (runtime) => {
          await deleteClient(runtime.deps, await accountIdOf(runtime, ref), clientId, CLI_ACTOR, SYSTEM_META);
          printResult(values.json === true, { deleted: clientId }, `Deleted ${clientId}`);
          return 0;
        });
      },
    },
    'oidc-client rotate-secret': {
      summary: 'Give a confidential OpenID Connect client a new secret.',
      help: `Usage: gatehouse oidc-client rotate-secret --account ID_OR_ALIAS --client-id ID [--json]

Replaces the client's secret (shown only now); the old one stops working at once.
--json prints {"clientId","clientSecret"}.`,
      options: { account: { type: 'string' }, 'client-id': { type: 'string' } },
      run: async (values) => {
        const ref = required(values, 'account');
        const clientId = required(values, 'client-id');
        return withRuntime(async (runtime) => {
          const { clientSecret: secret } = await rotateClientSecret(
            runtime.deps,
            await accountIdOf(runtime, ref),
            clientId,
            CLI_ACTOR,
            SYSTEM_META,
          );
          printResult(
            values.json === true,
            { clientId, clientSecret: secret },
            `ClientSecret ${secret}\n(The secret is shown only now.)`,
          );
          return 0;
        });
      },
    },
    'oidc-keys rotate': {
      summary: "Add a new signing key for the OpenID Connect provider's tokens.",
      help: `Usage: gatehouse oidc-keys rotate [--json]

Adds a signing key (RSA, RS256), sealed under SECRET_KEY in the database. Instances sign with
it once restarted; until then, and afterwards, the previous keys stay in the JWKS so tokens they
signed still verify. The newest ${KEPT_GENERATIONS} keys are published; older ones are dropped.
--json prints {"kid","generation"}.`,
      options: {},
      run: async (values) =>
        withRuntime(async (runtime) => {
          const added = await rotateSigningKey(runtime.deps);
          printResult(
            values.json === true,
            added,
            `Added signing key ${added.kid} (generation ${added.generation}). Restart every instance to sign with it.`,
          );
          return 0;
        }),
    },
    'oidc-keys list': {
      summary: "List the OpenID Connect provider's published signing keys.",
      help: `Usage: gatehouse oidc-keys list [--json]

Lists the published signing keys, newest (the one that signs) first.`,
      options: {},
      run: async (values) =>
        withRuntime(async (runtime) => {
          const keys = await describeSigningKeys(runtime.deps);
          printResult(
            values.json === true,
            keys,
            keys.length
              ? keys.map((k) => `${k.kid}  generation ${k.generation}  ${k.createdAt}`).join('\n')
              : 'No keys yet: the first is made when the server starts.',
          );
          return 0;
        }),
    },
  };
}
