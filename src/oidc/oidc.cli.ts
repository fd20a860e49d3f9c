import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import type { Command } from '../cli/cli-io.ts';
import { UsageError, printResult, required } from '../cli/cli-io.ts';
import { findAccountByRef } from '../identities/account.repository.ts';
import type { Runtime } from '../runtime.ts';
import { GatehouseError } from '../shared/errors.ts';
import { normaliseAccountRef } from '../shared/validation.ts';
import { createClient, deleteClient, listAccountClients, rotateClientSecret } from './oidc-client.service.ts';
import { KEPT_GENERATIONS, describeSigningKeys, rotateSigningKey } from './oidc-keys.service.ts';

type WithRuntime = <T>(work: (runtime: Runtime) => Promise<T>) => Promise<T>;

async function accountIdOf(runtime: Runtime, ref: string): Promise<string> {
  const account = await findAccountByRef(runtime.deps.db, normaliseAccountRef(ref));
  if (!account) throw new GatehouseError('NoSuchEntity', `No account has the ID or alias ${ref}.`);
  return account.id;
}

/** A flag given any number of times (`--redirect-uri A --redirect-uri B`). */
function all(values: Record<string, unknown>, name: string): string[] {
  const value = values[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
}

/** `gatehouse oidc-client …` and `gatehouse oidc-keys …`: single sign-on applications and the provider's keys. */
export function oidcCommands(withRuntime: WithRuntime): Record<string, Command> {
  return {
    'oidc-client create': {
      summary: 'Register an application that signs people in through Gatehouse (OpenID Connect).',
      help: `Usage: gatehouse oidc-client create --account ID_OR_ALIAS --name NAME --redirect-uri URI [--redirect-uri URI …]
         [--post-logout-redirect-uri URI …] [--public] [--first-party] [--json]

Registers an OpenID Connect client of the account. A confidential client (the default) gets a
secret, shown only now, and authenticates with HTTP Basic (client_secret_basic); --public makes
a client without a secret (a browser or native app), which must use PKCE. --first-party skips
the consent page. Who may sign in is decided by gatehouse:SignInToClient on the client's ARN.
The issuer is PUBLIC_URL/oidc. --json prints {"clientId","clientSecret","arn",…}.`,
      options: {
        account: { type: 'string' },
        name: { type: 'string' },
        'redirect-uri': { type: 'string', multiple: true },
        'post-logout-redirect-uri': { type: 'string', multiple: true },
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
          const secret = await rotateClientSecret(
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
