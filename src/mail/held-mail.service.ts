import { MINUTE } from '../shared/clock.ts';
import type { Deps } from '../deps.ts';
import { newRowId } from '../shared/ids.ts';
import { sealMailBody } from './mail-body.ts';
import { heldDigestMail } from './mail-templates.ts';
import { RECIPIENT_LIMIT, RECIPIENT_WINDOW_MS } from './mail.service.ts';
import {
  type Outcome,
  eraseFoldedBodies,
  foldHeldMessages,
  foldedMessages,
  insertOutboxMessage,
  lockRecipient,
  recipientsWithDueHeldMail,
  settleFoldedMessages,
  settleMessage,
} from './outbox.repository.ts';
import { openMessage } from './outbox.service.ts';

/** Recipients whose held mail one pass turns into digests. */
const RECIPIENTS_PER_PASS = 20;

type SenderDeps = Pick<Deps, 'db' | 'dialect' | 'clock' | 'keyring'>;

/**
 * For each recipient whose held mail is due (the window of its first held message has
 * ended), folds every message held for it into one digest, queued like any other message.
 * One transaction per recipient, under the recipient lock so no new mail slips in between;
 * the held rows are claimed by one conditional UPDATE, so when several senders share the
 * database exactly one of them builds the digest. Returns how many digests were built.
 */
export async function foldDueHeldMail(deps: SenderDeps): Promise<number> {
  const now = deps.clock.now().toISOString();
  let built = 0;
  for (const recipientKey of await recipientsWithDueHeldMail(deps.db, now, RECIPIENTS_PER_PASS)) {
    const digestId = newRowId(deps.clock.now());
    const folded = await deps.db.transaction().execute(async (tx) => {
      await lockRecipient(tx, deps.dialect, recipientKey);
      if ((await foldHeldMessages(tx, recipientKey, digestId)) === 0) return false;
      const held = (await foldedMessages(tx, digestId)).map((m) => openMessage(deps, m));
      const mail = heldDigestMail({
        messages: held.map((m) => ({
          subject: m.subject,
          ...(m.body === 'readable' ? { text: m.text, html: m.html } : { text: null, html: null }),
          time: m.createdAt,
        })),
        limit: RECIPIENT_LIMIT,
        windowMinutes: RECIPIENT_WINDOW_MS / MINUTE,
      });
      const accounts = new Set(held.map((m) => m.accountId));
      await insertOutboxMessage(tx, {
        id: digestId,
        accountId: accounts.size === 1 ? held[0]!.accountId : null,
        recipient: held[0]!.recipient,
        template: mail.template,
        subject: mail.subject,
        sealedText: sealMailBody(deps.keyring, digestId, mail.text),
        sealedHtml: sealMailBody(deps.keyring, digestId, mail.html),
        status: 'queued',
        createdAt: now,
        nextAttemptAt: now,
        replaceKey: null,
      });
      await eraseFoldedBodies(tx, digestId);
      return true;
    });
    if (folded) built++;
  }
  return built;
}

/**
 * Records a send's outcome while `owner` holds the claim. A sent or failed digest takes the
 * messages folded into it along, so each of them reads as sent or failed where it is listed.
 */
export async function settleDelivery(
  deps: Pick<Deps, 'db'>,
  id: string,
  owner: string,
  outcome: Outcome,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const settled = await settleMessage(tx, id, owner, outcome);
    if (settled && outcome.status !== 'deferred') await settleFoldedMessages(tx, id, outcome);
  });
}
