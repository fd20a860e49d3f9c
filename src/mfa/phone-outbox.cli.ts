import type { Command } from '../cli/cli-io.ts';
import { UsageError, listLimit, printResult } from '../cli/cli-io.ts';
import type { Runtime } from '../runtime.ts';
import { GatehouseError } from '../shared/errors.ts';
import { listPhoneMessagesOpened } from './phone-gateway.ts';

type WithRuntime = <T>(work: (runtime: Runtime) => Promise<T>) => Promise<T>;

/** What a listing shows of a message: never its body (a live code). */
function summary(m: { id: string; createdAt: string; status: string; channel: string; recipient: string }) {
  return { id: m.id, createdAt: m.createdAt, status: m.status, channel: m.channel, to: m.recipient };
}

/**
 * `gatehouse phone-outbox list|show`: the SMS and voice codes for the account phone (MFA
 * recovery) queued without a PHONE_GATEWAY_URL, as `gatehouse outbox` is for mail.
 */
export function phoneOutboxCommands(withRuntime: WithRuntime): Record<string, Command> {
  return {
    'phone-outbox list': {
      summary: 'List the SMS and voice messages in the phone outbox, newest first.',
      help: `Usage: gatehouse phone-outbox list [--to PHONE] [--limit N] [--json]

Lists the one-time codes queued for phones (MFA recovery for the root user): ID, time
queued, status (queued, sending, sent, failed), channel (sms or voice) and recipient.
Without PHONE_GATEWAY_URL every message stays here; read one with "phone-outbox show".
--json prints an array of {"id","createdAt","status","channel","to"}.`,
      options: { to: { type: 'string' }, limit: { type: 'string' } },
      run: async (values) => {
        const limit = listLimit(values);
        return withRuntime(async (runtime) => {
          const to = typeof values.to === 'string' ? values.to : undefined;
          const messages = (
            await listPhoneMessagesOpened(runtime.deps, { limit, ...(to ? { recipient: to } : {}) })
          ).map(summary);
          const lines = messages.map(
            (m) => `${m.id}  ${m.createdAt}  ${m.status.padEnd(8)}  ${m.channel.padEnd(5)}  ${m.to}`,
          );
          printResult(values.json === true, messages, lines.length ? lines.join('\n') : 'The phone outbox is empty.');
          return 0;
        });
      },
    },
    'phone-outbox show': {
      summary: 'Print one message of the phone outbox, with its code.',
      help: `Usage: gatehouse phone-outbox show ID [--json]

Prints the recipient, channel, status and text of message ID (from "gatehouse
phone-outbox list"): the text is stored sealed under SECRET_KEY and erased once the
gateway took it. --json adds "text" (null when erased or sealed under a key no longer given).`,
      options: {},
      positionals: 1,
      run: async (values, positionals) => {
        const id = positionals[0];
        if (!id) throw new UsageError('Give the message ID: gatehouse phone-outbox show ID');
        return withRuntime(async (runtime) => {
          const [m] = await listPhoneMessagesOpened(runtime.deps, { id, limit: 1 });
          if (!m) throw new GatehouseError('NoSuchEntity', `No phone message has the ID ${id}.`);
          const text = m.body;
          printResult(
            values.json === true,
            { ...summary(m), text },
            [
              `ID:      ${m.id}`,
              `To:      ${m.recipient} (${m.channel})`,
              `Status:  ${m.status}`,
              `Queued:  ${m.createdAt}`,
              '',
              text ?? '(The text is no longer readable: erased once sent, or sealed under a key no longer given.)',
            ].join('\n'),
          );
          return 0;
        });
      },
    },
  };
}
