import type { Runtime } from '../runtime.ts';
import { GatehouseError } from '../shared/errors.ts';
import { bodyNote, linksIn, outboxFullJson, outboxJson } from './outbox.format.ts';
import { listOutbox } from './outbox.repository.ts';
import { findOutboxMail } from './outbox.service.ts';

/** `gatehouse outbox list`: newest first, one line each (or a JSON array). */
export async function printOutboxList(
  runtime: Runtime,
  options: { json: boolean; limit: number; to?: string },
): Promise<void> {
  const messages = await listOutbox(runtime.deps.db, {
    limit: options.limit,
    ...(options.to ? { recipient: options.to } : {}),
  });
  if (options.json) {
    process.stdout.write(`${JSON.stringify(messages.map(outboxJson))}\n`);
    return;
  }
  if (messages.length === 0) {
    process.stdout.write('The outbox is empty.\n');
    return;
  }
  for (const m of messages) {
    process.stdout.write(`${m.id}  ${m.createdAt}  ${m.status.padEnd(8)}  ${m.recipient}  ${m.subject}\n`);
  }
}

/** `gatehouse outbox show ID`: the whole message, opened, with its links listed. */
export async function printOutboxMessage(runtime: Runtime, id: string, options: { json: boolean }): Promise<void> {
  const m = await findOutboxMail(runtime.deps, id);
  if (!m) throw new GatehouseError('NoSuchEntity', `No message has the ID ${id}.`);
  if (options.json) {
    process.stdout.write(`${JSON.stringify(outboxFullJson(m))}\n`);
    return;
  }
  const links = linksIn(m.text);
  process.stdout.write(
    [
      `ID:      ${m.id}`,
      `To:      ${m.recipient}`,
      `Subject: ${m.subject}`,
      `Status:  ${m.status}${m.lastReply ? ` (${m.lastReply})` : ''}, ${m.attempts} attempt(s)`,
      `Queued:  ${m.createdAt}${m.sentAt ? `, sent ${m.sentAt}` : ''}`,
      '',
      bodyNote(m) ?? m.text.trimEnd(),
      '',
      links.length ? `Links:\n${links.map((l) => `  ${l}`).join('\n')}` : 'Links: none',
      '',
    ].join('\n'),
  );
}
