import type { Command } from '../cli/cli-io.ts';
import { printResult } from '../cli/cli-io.ts';
import type { Runtime } from '../runtime.ts';
import { verifyAuditChains } from './audit-verify.ts';

type WithRuntime = <T>(work: (runtime: Runtime) => Promise<T>) => Promise<T>;

/** `gatehouse audit verify`: exits 0 when every chain holds, 1 when one is broken. */
export function auditCommands(withRuntime: WithRuntime): Record<string, Command> {
  return {
    'audit verify': {
      summary: "Check every account's audit hash chain; report the first broken link of each.",
      help: `Usage: gatehouse audit verify [--json]

Walks each account's audit events in order and recomputes their hash chain. An edited
row shows as "edited"; a deleted or reordered row breaks the link of the row after it
("unlinked"). Exits 0 when every chain holds, 1 otherwise.
--json prints {"chains":N,"events":N,"broken":[{"accountId","seq","eventId","problem"}]}.`,
      options: {},
      run: async (values) =>
        withRuntime(async (runtime) => {
          const result = await verifyAuditChains(runtime.deps.db);
          const lines = result.broken.map(
            (b) => `BROKEN account ${b.accountId ?? '(none)'}: event ${b.eventId} (seq ${b.seq}) ${b.problem}`,
          );
          printResult(
            values.json === true,
            result,
            [
              ...lines,
              `${result.chains} chains, ${result.events} events checked: ${result.broken.length ? `${result.broken.length} broken` : 'all intact'}`,
            ].join('\n'),
          );
          return result.broken.length ? 1 : 0;
        }),
    },
  };
}
