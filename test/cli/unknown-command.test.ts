import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gatehouse } from '../support/cli.ts';

/** Every name an object inherits from Object.prototype: what a `table[name]` lookup finds without being told. */
const PROTOTYPE_NAMES = [...new Set([...Object.getOwnPropertyNames(Object.prototype), '__proto__'])];
/** First words of real two-word commands. */
const GROUPS = ['account', 'user', 'outbox', 'access-key', 'audit', 'support', 'secret-key'];

// Each spawn starts the CLI afresh (about half a second): one run per name, its two spawns side by side.
describe('gatehouse CLI given a command it does not have', { timeout: 180_000 }, () => {
  it('answers a name from Object.prototype, as command or sub-command, with exit code 2 and the usage', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...PROTOTYPE_NAMES),
        fc.constantFrom(...GROUPS),
        fc.constantFrom<string[]>([], ['--json'], ['--help']),
        async (name, group, extra) => {
          const cases = [[name], [group, name]];
          const runs = await Promise.all(cases.map((words) => gatehouse([...words, ...extra], {})));
          runs.forEach((run, i) => {
            const words = cases[i]!.join(' ');
            expect({ code: run.code, stdout: run.stdout }, words).toEqual({ code: 2, stdout: '' });
            expect(run.stderr, words).toContain(`gatehouse: unknown command "${words}"`);
            expect(run.stderr, words).toContain('Usage: gatehouse <command> [options]');
          });
        },
      ),
      {
        examples: PROTOTYPE_NAMES.map(
          (name, i) => [name, GROUPS[i % GROUPS.length]!, []] as [string, string, string[]],
        ),
        numRuns: 3,
      },
    );
  });
});
