import type { Db } from '../db/database.ts';
import type { LinkStore } from '../links/link-store.ts';

/**
 * Storage for root sign-in with alternative factors: the recovery attempts, the account's
 * waiting period, the phone outbox, and the root user's contact phone and its pending
 * verification (a `phone_verification` one-time token whose payload is the number).
 */

export interface RecoveryRecord {
  id: string;
  accountId: string;
  emailSecretHash: string;
  cancelSecretHash: string;
  phoneCodeHash: string | null;
  phoneCodeExpiresAt: string | null;
  phoneAttempts: number;
  emailVerifiedAt: string | null;
  phoneVerifiedAt: string | null;
  readyAt: string | null;
  cancelledAt: string | null;
  completedAt: string | null;
  createdAt: string;
  expiresAt: string;
}

export async function insertRecovery(db: Db, r: RecoveryRecord): Promise<void> {
  await db
    .insertInto('mfa_recoveries')
    .values({
      id: r.id,
      account_id: r.accountId,
      email_secret_hash: r.emailSecretHash,
      cancel_secret_hash: r.cancelSecretHash,
      phone_code_hash: r.phoneCodeHash,
      phone_code_expires_at: r.phoneCodeExpiresAt,
      phone_attempts: r.phoneAttempts,
      email_verified_at: r.emailVerifiedAt,
      phone_verified_at: r.phoneVerifiedAt,
      ready_at: r.readyAt,
      cancelled_at: r.cancelledAt,
      completed_at: r.completedAt,
      created_at: r.createdAt,
      expires_at: r.expiresAt,
    })
    .execute();
}

export async function findRecovery(db: Db, id: string): Promise<RecoveryRecord | null> {
  const row = await db.selectFrom('mfa_recoveries').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    accountId: row.account_id,
    emailSecretHash: row.email_secret_hash,
    cancelSecretHash: row.cancel_secret_hash,
    phoneCodeHash: row.phone_code_hash,
    phoneCodeExpiresAt: row.phone_code_expires_at,
    phoneAttempts: Number(row.phone_attempts),
    emailVerifiedAt: row.email_verified_at,
    phoneVerifiedAt: row.phone_verified_at,
    readyAt: row.ready_at,
    cancelledAt: row.cancelled_at,
    completedAt: row.completed_at,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
  };
}

/** Recoveries of the account still under way (not cancelled, completed or expired). */
export async function openRecoveryIds(db: Db, accountId: string, now: string): Promise<string[]> {
  const rows = await db
    .selectFrom('mfa_recoveries')
    .select('id')
    .where('account_id', '=', accountId)
    .where('cancelled_at', 'is', null)
    .where('completed_at', 'is', null)
    .where('expires_at', '>', now)
    .execute();
  return rows.map((r) => r.id);
}

export type RecoveryUpdate = Partial<{
  phoneVerifiedAt: string;
  phoneCodeHash: string | null;
  phoneCodeExpiresAt: string | null;
  phoneAttempts: number;
  readyAt: string;
  cancelledAt: string;
  completedAt: string;
}>;

/** Updates a recovery still under way; false when it was cancelled or completed meanwhile. */
export async function updateOpenRecovery(db: Db, id: string, set: RecoveryUpdate): Promise<boolean> {
  const result = await db
    .updateTable('mfa_recoveries')
    // Kysely leaves out the columns whose value is undefined.
    .set({
      phone_verified_at: set.phoneVerifiedAt,
      phone_code_hash: set.phoneCodeHash,
      phone_code_expires_at: set.phoneCodeExpiresAt,
      phone_attempts: set.phoneAttempts,
      ready_at: set.readyAt,
      cancelled_at: set.cancelledAt,
      completed_at: set.completedAt,
    })
    .where('id', '=', id)
    .where('cancelled_at', 'is', null)
    .where('completed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A recovery's mailed links: one confirms the root email, the other cancels the recovery. */
export type RecoveryLinkPurpose = 'email' | 'cancel';

/**
 * Uses one of a recovery's mailed links, in one conditional UPDATE: the email link once
 * (it proves the address), the cancel link by cancelling; neither once the recovery is
 * cancelled, completed or expired.
 */
async function spendRecoveryLink(db: Db, id: string, purpose: RecoveryLinkPurpose, now: string): Promise<boolean> {
  let q = db
    .updateTable('mfa_recoveries')
    .set(purpose === 'email' ? { email_verified_at: now } : { cancelled_at: now })
    .where('id', '=', id)
    .where('cancelled_at', 'is', null)
    .where('completed_at', 'is', null)
    .where('expires_at', '>', now);
  if (purpose === 'email') q = q.where('email_verified_at', 'is', null);
  return Number((await q.executeTakeFirst()).numUpdatedRows) === 1;
}

/** The confirm and cancel links of a recovery, for `link.service.ts`: one row, two secrets. */
export const RECOVERY_LINKS: LinkStore<RecoveryRecord, RecoveryLinkPurpose> = {
  // Recovery links carry the row's own id, not a token id.
  idPattern: '[a-z0-9]{21}',
  find: findRecovery,
  linksOf: (r) => [
    {
      purpose: 'email',
      secretHash: r.emailSecretHash,
      codeHash: null,
      usedAt: r.completedAt ?? r.emailVerifiedAt,
      cancelledAt: r.cancelledAt,
      expiresAt: r.expiresAt,
    },
    {
      purpose: 'cancel',
      secretHash: r.cancelSecretHash,
      codeHash: null,
      usedAt: r.completedAt,
      cancelledAt: r.cancelledAt,
      expiresAt: r.expiresAt,
    },
  ],
  spend: (db, r, purpose, now) => spendRecoveryLink(db, r.id, purpose, now),
};

/**
 * Spends one try at the phone code, atomically: false once `max` are spent (or the recovery
 * ended), so parallel guesses cannot all read the same count and slip past the limit.
 */
export async function spendPhoneAttempt(db: Db, id: string, max: number): Promise<boolean> {
  const result = await db
    .updateTable('mfa_recoveries')
    .set((eb) => ({ phone_attempts: eb('phone_attempts', '+', 1) }))
    .where('id', '=', id)
    .where('phone_attempts', '<', max)
    .where('cancelled_at', 'is', null)
    .where('completed_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function findRecoveryWaitHours(db: Db, accountId: string): Promise<number> {
  const row = await db
    .selectFrom('mfa_account_settings')
    .select('recovery_wait_hours')
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return row ? Number(row.recovery_wait_hours) : 0;
}

export async function saveRecoveryWaitHours(db: Db, accountId: string, hours: number, now: string): Promise<void> {
  await db
    .insertInto('mfa_account_settings')
    .values({ account_id: accountId, recovery_wait_hours: hours, updated_at: now })
    .onConflict((oc) => oc.column('account_id').doUpdateSet({ recovery_wait_hours: hours, updated_at: now }))
    .execute();
}

// Phone outbox

export interface PhoneMessage {
  id: string;
  accountId: string | null;
  recipient: string;
  channel: 'sms' | 'voice';
  template: string;
  body: string;
  status: string;
  createdAt: string;
}

export async function insertPhoneMessage(db: Db, m: Omit<PhoneMessage, 'status'>): Promise<void> {
  await db
    .insertInto('phone_outbox')
    .values({
      id: m.id,
      account_id: m.accountId,
      recipient: m.recipient,
      channel: m.channel,
      template: m.template,
      body: m.body,
      status: 'queued',
      attempts: 0,
      created_at: m.createdAt,
    })
    .execute();
}

export async function listPhoneMessages(
  db: Db,
  options: { recipient?: string; status?: string; id?: string; limit: number },
): Promise<PhoneMessage[]> {
  let q = db.selectFrom('phone_outbox').selectAll();
  if (options.id) q = q.where('id', '=', options.id);
  if (options.recipient) q = q.where('recipient', '=', options.recipient);
  if (options.status) q = q.where('status', '=', options.status);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id', 'desc').limit(options.limit).execute();
  return rows.map((r) => ({
    id: r.id,
    accountId: r.account_id,
    recipient: r.recipient,
    channel: r.channel as 'sms' | 'voice',
    template: r.template,
    body: r.body,
    status: r.status,
    createdAt: r.created_at,
  }));
}

/**
 * Takes a queued message for sending; false when another request or worker took it first,
 * so each message goes to the provider once.
 */
export async function claimPhoneMessage(db: Db, id: string): Promise<boolean> {
  const result = await db
    .updateTable('phone_outbox')
    .set({ status: 'sending' })
    .where('id', '=', id)
    .where('status', '=', 'queued')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function settlePhoneMessage(
  db: Db,
  id: string,
  status: 'sent' | 'failed' | 'queued',
  reply: string,
  at: string,
): Promise<void> {
  await db
    .updateTable('phone_outbox')
    // A sent message's code has done its work: its body is erased.
    .set((eb) => ({
      status,
      last_reply: reply.slice(0, 500),
      sent_at: status === 'sent' ? at : null,
      attempts: eb('attempts', '+', 1),
      ...(status === 'sent' ? { body: '' } : {}),
    }))
    .where('id', '=', id)
    .execute();
}

// The root user's contact phone

export async function findRootPhone(
  db: Db,
  accountId: string,
): Promise<{ phone: string | null; verified: boolean; email: string } | null> {
  const row = await db
    .selectFrom('root_users')
    .select(['phone', 'phone_verified', 'email'])
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return row ? { phone: row.phone, verified: Number(row.phone_verified) === 1, email: row.email } : null;
}

export async function setRootPhone(db: Db, accountId: string, phone: string): Promise<void> {
  await db.updateTable('root_users').set({ phone, phone_verified: 1 }).where('account_id', '=', accountId).execute();
}

export async function replacePhoneVerification(
  db: Db,
  t: { id: string; accountId: string; secretHash: string; phone: string; createdAt: string; expiresAt: string },
): Promise<void> {
  await db
    .deleteFrom('one_time_tokens')
    .where('purpose', '=', 'phone_verification')
    .where('principal_id', '=', t.accountId)
    .execute();
  await db
    .insertInto('one_time_tokens')
    .values({
      id: t.id,
      purpose: 'phone_verification',
      account_id: t.accountId,
      principal_id: t.accountId,
      secret_hash: t.secretHash,
      code_hash: null,
      payload: t.phone,
      created_at: t.createdAt,
      expires_at: t.expiresAt,
      used_at: null,
    })
    .execute();
}

export async function findPhoneVerification(
  db: Db,
  accountId: string,
): Promise<{ id: string; secretHash: string; phone: string; expiresAt: string } | null> {
  const row = await db
    .selectFrom('one_time_tokens')
    .select(['id', 'secret_hash', 'payload', 'expires_at'])
    .where('purpose', '=', 'phone_verification')
    .where('principal_id', '=', accountId)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return row ? { id: row.id, secretHash: row.secret_hash, phone: row.payload ?? '', expiresAt: row.expires_at } : null;
}

export async function deletePhoneVerification(db: Db, accountId: string): Promise<void> {
  await db
    .deleteFrom('one_time_tokens')
    .where('purpose', '=', 'phone_verification')
    .where('principal_id', '=', accountId)
    .execute();
}
