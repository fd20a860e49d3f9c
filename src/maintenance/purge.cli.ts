import type { Command } from '../cli/cli-io.ts';
import { printResult } from '../cli/cli-io.ts';
import type { Runtime } from '../runtime.ts';
import {
  DELIVERED_RETENTION_MS,
  EXPIRED_GRACE_MS,
  PASSWORD_HISTORY_KEPT,
  REQUEST_RETENTION_MS,
  purgeExpired,
} from './purge.service.ts';

type WithRuntime = <T>(work: (runtime: Runtime) => Promise<T>) => Promise<T>;

const days = (ms: number) => ms / 86_400_000;

/** `gatehouse purge`: what `serve` does every hour, on demand (e.g. from cron with several instances). */
export function purgeCommands(withRuntime: WithRuntime): Record<string, Command> {
  return {
    purge: {
      summary: 'Delete expired sessions, links, codes and credentials, and old delivered messages.',
      help: `Usage: gatehouse purge [--json]

Deletes what can no longer be used or is kept no longer: ended sessions; MFA steps;
reset, verification and unlock links and temporary credentials ${days(EXPIRED_GRACE_MS)} day after they expired;
mail and phone messages ${days(DELIVERED_RETENTION_MS)} days after they were sent or failed (queued ones stay);
MFA recoveries and "ask my administrator" requests after ${days(REQUEST_RETENTION_MS)} days; password hashes
beyond the newest ${PASSWORD_HISTORY_KEPT} per principal; refilled rate buckets; expired support references;
cache invalidations after an hour; the OpenID Connect provider's expired sessions, codes, tokens
and grants.
The audit trail is never purged. "gatehouse serve" runs this every hour.
--json prints the number of rows deleted per kind.`,
      options: {},
      run: async (values) =>
        withRuntime(async (runtime) => {
          const report = await purgeExpired(runtime.deps);
          const total = Object.values(report).reduce((a, b) => a + b, 0);
          const lines = Object.entries(report).map(([kind, n]) => `${kind.padEnd(20)} ${n}`);
          printResult(values.json === true, report, [...lines, `${total} rows deleted`].join('\n'));
          return 0;
        }),
    },
  };
}
