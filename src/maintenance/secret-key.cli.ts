import { randomBytes } from 'node:crypto';
import type { Command } from '../cli/cli-io.ts';
import { printResult } from '../cli/cli-io.ts';
import type { Runtime } from '../runtime.ts';
import { resealSecrets } from './reseal.service.ts';

type WithRuntime = <T>(work: (runtime: Runtime) => Promise<T>) => Promise<T>;

/** `gatehouse secret-key generate|reseal`: rotating SECRET_KEY without losing a stored secret. */
export function secretKeyCommands(withRuntime: WithRuntime): Record<string, Command> {
  return {
    'secret-key generate': {
      summary: 'Print a new random SECRET_KEY (64 hex characters).',
      help: `Usage: gatehouse secret-key generate [--json]

Prints 32 random bytes as hex, for SECRET_KEY. To rotate: set SECRET_KEY to the new key and
SECRET_KEY_PREVIOUS to the old one on every instance, restart, run "gatehouse secret-key reseal",
then remove SECRET_KEY_PREVIOUS and restart again.`,
      options: {},
      run: async (values) => {
        const key = randomBytes(32).toString('hex');
        printResult(values.json === true, { secretKey: key }, key);
        return 0;
      },
    },
    'secret-key reseal': {
      summary: 'Seal every stored secret and mail body under SECRET_KEY after a rotation.',
      help: `Usage: gatehouse secret-key reseal [--json]

Reads each stored secret (access-key and temporary-credential secrets, TOTP secrets, OpenID
Connect client secrets and signing keys, the text and HTML bodies of mail not yet sent), opening it with SECRET_KEY or a key in SECRET_KEY_PREVIOUS,
and seals it again under SECRET_KEY; mail bodies queued before bodies were sealed are sealed too.
Safe to run again and while serving. Exits 1 when a secret opened under no key given
("unreadable"): that access key or MFA device must be replaced, that mail cannot be sent.
Afterwards SECRET_KEY_PREVIOUS can be removed.
--json prints {"accessKeys":{"current","resealed","unreadable"},"temporaryCredentials":…,"totpDevices":…,"mailBodies":…,"phoneBodies":…,"oidcClientSecrets":…,"oidcSigningKeys":…}.`,
      options: {},
      run: async (values) =>
        withRuntime(async (runtime) => {
          const report = await resealSecrets(runtime.deps);
          const lines = Object.entries(report).map(
            ([kind, c]) =>
              `${kind.padEnd(22)} ${c.current} already current, ${c.resealed} resealed, ${c.unreadable} unreadable`,
          );
          const unreadable = Object.values(report).reduce((n, c) => n + c.unreadable, 0);
          if (unreadable > 0)
            lines.push(
              `${unreadable} secrets opened under no key given: replace those access keys and MFA devices (mail among them cannot be sent).`,
            );
          printResult(values.json === true, report, lines.join('\n'));
          return unreadable > 0 ? 1 : 0;
        }),
    },
  };
}
