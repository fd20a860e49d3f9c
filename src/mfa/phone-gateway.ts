import { randomInt } from 'node:crypto';
import type { Db } from '../db/database.ts';
import type { Clock } from '../shared/clock.ts';
import { invalid } from '../shared/errors.ts';
import { newRowId } from '../shared/ids.ts';
import { claimPhoneMessage, insertPhoneMessage, listPhoneMessages, settlePhoneMessage } from './mfa-recovery.repository.ts';

/**
 * One-time codes by SMS or voice call. Messages are written to the phone outbox in the
 * caller's transaction, like mail; with `PHONE_GATEWAY_URL` set, `deliverPhoneMessages`
 * then POSTs each to the provider as JSON `{"to","channel","text"}` (a 2xx answer means
 * sent). Without it they stay in the outbox, which is how the embedded default and the
 * tests read them.
 */
export type PhoneChannel = 'sms' | 'voice';

/** E.164: a plus sign, a country code, and at most 15 digits in all. */
export function normalisePhone(field: string, value: string): string {
  const phone = value.replace(/[\s().-]/g, '');
  if (!/^\+[1-9]\d{6,14}$/.test(phone)) throw invalid(field, 'Enter the phone number in international form, starting with + and the country code, e.g. +44 20 7946 0000.');
  return phone;
}

export function sixDigitCode(): string {
  return String(randomInt(0, 1_000_000)).padStart(6, '0');
}

/** The code as a voice reads it: digit by digit. */
function spoken(code: string): string {
  return code.split('').join(' ');
}

export async function queuePhoneCode(
  tx: Db,
  clock: Clock,
  input: { accountId: string; to: string; channel: PhoneChannel; code: string; purpose: string },
): Promise<void> {
  const text =
    input.channel === 'sms'
      ? `Gatehouse: your code to ${input.purpose} is ${input.code}. Do not share it with anyone.`
      : `This is Gatehouse. Your code to ${input.purpose} is: ${spoken(input.code)}. Again: ${spoken(input.code)}.`;
  await insertPhoneMessage(tx, {
    id: newRowId(),
    accountId: input.accountId,
    recipient: input.to,
    channel: input.channel,
    template: 'one-time-code',
    body: text,
    createdAt: clock.now().toISOString(),
  });
}

/** Hands queued messages to the configured provider, each once (claimed first); returns how many it accepted. A refused one is queued again. */
export async function deliverPhoneMessages(db: Db, clock: Clock, gatewayUrl: string): Promise<number> {
  let sent = 0;
  for (const message of await listPhoneMessages(db, { status: 'queued', limit: 50 })) {
    if (!(await claimPhoneMessage(db, message.id))) continue;
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
