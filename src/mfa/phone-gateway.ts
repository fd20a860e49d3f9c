import { randomInt } from 'node:crypto';
import type { Db } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import { openStoredBody } from '../shared/encryption.ts';
import { invalid } from '../shared/errors.ts';
import { newRowId } from '../shared/ids.ts';
import {
  type PhoneMessage,
  claimPhoneMessage,
  insertPhoneMessage,
  listPhoneMessages,
  settlePhoneMessage,
} from './mfa-recovery.repository.ts';

/**
 * One-time codes by SMS or voice call. Messages are written to the phone outbox in the
 * caller's transaction, like mail; with `PHONE_GATEWAY_URL` set, `deliverPhoneMessages`
 * then POSTs each to the provider as JSON `{"to","channel","text"}` (a 2xx answer means
 * sent). Without it they stay in the outbox, which is how the embedded default and the
 * tests read them. A body carries a live code, so it is sealed at rest under SECRET_KEY
 * (the message's ID as associated data), opened only to send or read it, and erased once sent.
 */
export type PhoneChannel = 'sms' | 'voice';

/** E.164: a plus sign, a country code, and at most 15 digits in all. */
export function normalisePhone(field: string, value: string): string {
  const phone = value.replace(/[\s().-]/g, '');
  if (!/^\+[1-9]\d{6,14}$/.test(phone))
    throw invalid(
      field,
      'Enter the phone number in international form, starting with + and the country code, e.g. +44 20 7946 0000.',
    );
  return phone;
}

export function sixDigitCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** The code as a voice reads it: digit by digit. */
function spoken(code: string): string {
  return code.split('').join(' ');
}

/** Sealed phone bodies' purpose (their key is derived from SECRET_KEY for it). */
export const PHONE_BODY_PURPOSE = 'phone-body';

export async function queuePhoneCode(
  tx: Db,
  deps: Pick<Deps, 'clock' | 'keyring'>,
  input: { accountId: string; to: string; channel: PhoneChannel; code: string; purpose: string },
): Promise<void> {
  const text =
    input.channel === 'sms'
      ? `Gatehouse: your code to ${input.purpose} is ${input.code}. Do not share it with anyone.`
      : `This is Gatehouse. Your code to ${input.purpose} is: ${spoken(input.code)}. Again: ${spoken(input.code)}.`;
  const id = newRowId(deps.clock.now());
  await insertPhoneMessage(tx, {
    id,
    accountId: input.accountId,
    recipient: input.to,
    channel: input.channel,
    template: 'one-time-code',
    body: deps.keyring.box(PHONE_BODY_PURPOSE).seal(text, id),
    createdAt: deps.clock.now().toISOString(),
  });
}

/** Messages with their bodies opened (null when no key given opens one), newest first. */
export async function listPhoneMessagesOpened(
  deps: Pick<Deps, 'db' | 'keyring'>,
  options: Parameters<typeof listPhoneMessages>[1],
): Promise<Array<Omit<PhoneMessage, 'body'> & { body: string | null }>> {
  const box = deps.keyring.box(PHONE_BODY_PURPOSE);
  return (await listPhoneMessages(deps.db, options)).map((m) => ({ ...m, body: openStoredBody(box, m.id, m.body) }));
}

/** Hands queued messages to the configured provider, each once (claimed first); returns how many it accepted. A refused one is queued again. */
export async function deliverPhoneMessages(
  deps: Pick<Deps, 'db' | 'clock' | 'keyring'>,
  gatewayUrl: string,
): Promise<number> {
  const { db, clock } = deps;
  let sent = 0;
  for (const message of await listPhoneMessagesOpened(deps, { status: 'queued', limit: 50 })) {
    if (!(await claimPhoneMessage(db, message.id))) continue;
    if (message.body === null) {
      await settlePhoneMessage(
        db,
        message.id,
        'failed',
        'the body is sealed under a key no longer given (SECRET_KEY_PREVIOUS)',
        clock.now().toISOString(),
      );
      continue;
    }
    let status: 'sent' | 'queued' = 'queued';
    let reply: string;
    try {
      const response = await fetch(gatewayUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ to: message.recipient, channel: message.channel, text: message.body }),
        signal: AbortSignal.timeout(10_000),
      });
      reply = `${response.status} ${response.statusText}`;
      if (response.ok) status = 'sent';
    } catch (error) {
      reply = String((error as Error).message ?? error);
    }
    await settlePhoneMessage(db, message.id, status, reply, clock.now().toISOString());
    if (status === 'sent') sent++;
  }
  return sent;
}
