import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import type { Command } from '../cli/cli-io.ts';
import { printResult, required } from '../cli/cli-io.ts';
import { accountIdOf } from '../cli/account-ref.ts';
import type { Runtime } from '../runtime.ts';
import { type TrustChange, addServiceTrust, listTrusts, removeServiceTrust } from './service-trust.service.ts';

type WithRuntime = <T>(work: (runtime: Runtime) => Promise<T>) => Promise<T>;

const OPTIONS = {
  account: { type: 'string' },
  'trusted-account': { type: 'string' },
  service: { type: 'string' },
} as const;

async function changeOf(runtime: Runtime, values: Record<string, unknown>): Promise<TrustChange> {
  const [accountId, trustedAccountId] = await Promise.all([
    accountIdOf(runtime, required(values, 'account')),
    accountIdOf(runtime, required(values, 'trusted-account')),
  ]);
  return { accountId, trustedAccountId, service: required(values, 'service') };
}

/** `gatehouse service-trust …`: which services may ask the authorization API about an account's keys. */
export function serviceTrustCommands(withRuntime: WithRuntime): Record<string, Command> {
  return {
    'service-trust add': {
      summary: "Let an account's services judge requests signed with another account's keys (authorization API).",
      help: `Usage: gatehouse service-trust add --account ID_OR_ALIAS --trusted-account ID_OR_ALIAS --service NAME [--json]

Lets the services of --trusted-account ask POST /authorize about requests signed with keys of
--account and scoped to the service NAME (a SigV4 credential-scope service name such as s3 or
notes; * for any). They still need gatehouse:AuthorizeRequest on
arn:aws:gatehouse::ACCOUNT:account in their own policies.
With --trusted-account the same as --account, this narrows the account's own services to the
names it lists; an account that lists none for itself lets its own services judge any name.
--json prints {"accountId","trustedAccountId","service","added"}.`,
      options: OPTIONS,
      run: async (values) =>
        withRuntime(async (runtime) => {
          const change = await changeOf(runtime, values);
          const added = await addServiceTrust(runtime.deps, change, CLI_ACTOR, SYSTEM_META);
          printResult(
            values.json === true,
            { ...change, added },
            `${added ? 'Added' : 'Already there'}: ${change.accountId} trusts ${change.trustedAccountId} with ${change.service}`,
          );
          return 0;
        }),
    },
    'service-trust remove': {
      summary: 'Take back a trust given with "service-trust add".',
      help: `Usage: gatehouse service-trust remove --account ID_OR_ALIAS --trusted-account ID_OR_ALIAS --service NAME [--json]

Removes one trust; the next request the trusted services forward is refused.
Exits 1 when there was no such trust. --json prints {"accountId","trustedAccountId","service","removed"}.`,
      options: OPTIONS,
      run: async (values) =>
        withRuntime(async (runtime) => {
          const change = await changeOf(runtime, values);
          const removed = await removeServiceTrust(runtime.deps, change, CLI_ACTOR, SYSTEM_META);
          printResult(
            values.json === true,
            { ...change, removed },
            removed
              ? `Removed: ${change.accountId} no longer trusts ${change.trustedAccountId} with ${change.service}`
              : 'No such trust.',
          );
          return removed ? 0 : 1;
        }),
    },
    'service-trust list': {
      summary: "List which services may judge requests signed with an account's keys.",
      help: `Usage: gatehouse service-trust list --account ID_OR_ALIAS [--json]

Lists the account's trusts: each trusted account and service name (* for any). An account with
no trust naming itself lets its own services judge any service name.`,
      options: { account: { type: 'string' } },
      run: async (values) =>
        withRuntime(async (runtime) => {
          const trusts = await listTrusts(runtime.deps, await accountIdOf(runtime, required(values, 'account')));
          const lines = trusts.map((t) => `${t.trustedAccountId}  ${t.service}  ${t.createdAt}`);
          printResult(
            values.json === true,
            trusts,
            lines.length ? lines.join('\n') : "No trusts: only the account's own services, for any service name.",
          );
          return 0;
        }),
    },
  };
}
