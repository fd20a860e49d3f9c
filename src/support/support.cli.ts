import type { Command } from '../cli/cli-io.ts';
import { UsageError, printResult, readStdinSecret } from '../cli/cli-io.ts';
import type { Runtime } from '../runtime.ts';
import { SYSTEM_META } from '../audit/audit.service.ts';
import { listSupportCases, replyToCase, showSupportCase } from './support.service.ts';

type WithRuntime = <T>(work: (runtime: Runtime) => Promise<T>, options?: { buildsLinks?: boolean }) => Promise<T>;

function staffOf(values: Record<string, string | boolean | undefined>): string {
  const staff =
    typeof values.as === 'string' && values.as.trim() ? values.as.trim().slice(0, 64) : process.env.USER || 'support';
  return staff;
}

/**
 * `gatehouse support list|show|reply`: the only interface support staff have. Each
 * shows a case and what its sender wrote; none reads an account's data or a credential.
 */
export function supportCommands(withRuntime: WithRuntime): Record<string, Command> {
  return {
    'support list': {
      summary: 'List support cases (open by default).',
      help: `Usage: gatehouse support list [--status open|closed|all] [--json]

Lists cases opened on /support: ID, time, status, contact email, account as given.`,
      options: { status: { type: 'string' } },
      run: async (values) => {
        const status = (values.status ?? 'open') as string;
        if (!['open', 'closed', 'all'].includes(status)) throw new UsageError('--status is open, closed or all.');
        return withRuntime(async (runtime) => {
          const cases = await listSupportCases(runtime.deps, status as 'open' | 'closed' | 'all');
          printResult(
            values.json === true,
            { cases },
            cases.length
              ? cases
                  .map(
                    (c) => `${c.id}  ${c.createdAt}  ${c.status.padEnd(6)}  ${c.contactEmail}  ${c.accountRef ?? '-'}`,
                  )
                  .join('\n')
              : 'no cases',
          );
          return 0;
        });
      },
    },
    'support show': {
      summary: 'Show one support case (the view is audited on the account it names).',
      help: `Usage: gatehouse support show CASE_ID [--as STAFF_NAME] [--json]

Prints the case and, for the account it names only, whether that account's root email
is the case's contact email (yes / no). Nothing else about any account is shown.`,
      options: { as: { type: 'string' } },
      positionals: 1,
      run: async (values, positionals) => {
        const id = positionals[0];
        if (!id) throw new UsageError('Give the case ID: gatehouse support show CASE_ID');
        return withRuntime(async (runtime) => {
          const detail = await showSupportCase(runtime.deps, id, staffOf(values), SYSTEM_META);
          printResult(
            values.json === true,
            detail,
            `Case ${detail.id} (${detail.status}), opened ${detail.createdAt}\nContact: ${detail.contactEmail}\nAccount given: ${detail.accountRef ?? '-'}\nContact email is the account's root email: ${detail.contactIsRootEmail}\nReplies: ${detail.replies}\n\n${detail.description}`,
          );
          return 0;
        });
      },
    },
    'support reply': {
      summary: 'Answer a case by email; optionally send the normal password-reset email to the address on file.',
      help: `Usage: gatehouse support reply CASE_ID [--message TEXT | --message-stdin] [--send-recovery] [--close] [--as STAFF_NAME] [--json]

Mails TEXT to the case's contact address. --send-recovery sends the standard root
password-reset email to the root email on file of the account the case names (never to
the contact address, and support never sees it). --close closes the case. Audited.`,
      options: {
        message: { type: 'string' },
        'message-stdin': { type: 'boolean' },
        'send-recovery': { type: 'boolean' },
        close: { type: 'boolean' },
        as: { type: 'string' },
      },
      positionals: 1,
      run: async (values, positionals) => {
        const id = positionals[0];
        if (!id) throw new UsageError('Give the case ID: gatehouse support reply CASE_ID');
        const message =
          values['message-stdin'] === true
            ? await readStdinSecret()
            : typeof values.message === 'string'
              ? values.message
              : '';
        return withRuntime(
          async (runtime) => {
            const result = await replyToCase(
              runtime.deps,
              id,
              {
                staff: staffOf(values),
                message,
                sendRecovery: values['send-recovery'] === true,
                close: values.close === true,
              },
              SYSTEM_META,
            );
            printResult(
              values.json === true,
              { caseId: id, ...result },
              `Replied to ${id}${result.recoverySent ? '; password-reset email sent to the address on file' : ''}`,
            );
            return 0;
          },
          { buildsLinks: values['send-recovery'] === true },
        );
      },
    },
  };
}
