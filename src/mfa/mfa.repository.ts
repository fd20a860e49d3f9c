import type { Db } from '../db/database.ts';
import type { MfaDevicesTable, SessionRestriction } from '../db/schema.ts';

export type MfaKind = 'totp' | 'webauthn';

export interface MfaDevice {
  id: string;
  accountId: string;
  principalId: string | null;
  pendingFor: string | null;
  serial: string;
  kind: MfaKind;
  name: string;
  path: string;
  totpSecretSealed: string | null;
  totpLastStep: number | null;
  totpOffset: number;
  webauthnCredentialId: string | null;
  webauthnPublicKey: string | null;
  webauthnCounter: number | null;
  webauthnTransports: string[];
  createdAt: string;
  enabledAt: string | null;
  lastUsedAt: string | null;
}

type Row = Omit<MfaDevicesTable, 'path' | 'totp_offset'> & { path: string; totp_offset: number };

function toDevice(row: Row): MfaDevice {
  return {
    id: row.id,
    accountId: row.account_id,
    principalId: row.principal_id,
    pendingFor: row.pending_for,
    serial: row.serial,
    kind: row.kind as MfaKind,
    name: row.name,
    path: row.path,
    totpSecretSealed: row.totp_secret_sealed,
    totpLastStep: row.totp_last_step === null ? null : Number(row.totp_last_step),
    totpOffset: Number(row.totp_offset),
    webauthnCredentialId: row.webauthn_credential_id,
    webauthnPublicKey: row.webauthn_public_key,
    webauthnCounter: row.webauthn_counter === null ? null : Number(row.webauthn_counter),
    webauthnTransports: row.webauthn_transports ? (JSON.parse(row.webauthn_transports) as string[]) : [],
    createdAt: row.created_at,
    enabledAt: row.enabled_at,
    lastUsedAt: row.last_used_at,
  };
}

export async function insertDevice(db: Db, d: MfaDevice): Promise<void> {
  await db
    .insertInto('mfa_devices')
    .values({
      id: d.id,
      account_id: d.accountId,
      principal_id: d.principalId,
      pending_for: d.pendingFor,
      serial: d.serial,
      kind: d.kind,
      name: d.name,
      path: d.path,
      totp_secret_sealed: d.totpSecretSealed,
      totp_last_step: d.totpLastStep,
      totp_offset: d.totpOffset,
      webauthn_credential_id: d.webauthnCredentialId,
      webauthn_public_key: d.webauthnPublicKey,
      webauthn_counter: d.webauthnCounter,
      webauthn_transports: d.webauthnTransports.length ? JSON.stringify(d.webauthnTransports) : null,
      created_at: d.createdAt,
      enabled_at: d.enabledAt,
      last_used_at: d.lastUsedAt,
    })
    .execute();
}

export async function findDevice(db: Db, accountId: string, id: string): Promise<MfaDevice | null> {
  const row = await db
    .selectFrom('mfa_devices')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row ? toDevice(row as Row) : null;
}

export async function findDeviceBySerial(db: Db, serial: string): Promise<MfaDevice | null> {
  const row = await db.selectFrom('mfa_devices').selectAll().where('serial', '=', serial).executeTakeFirst();
  return row ? toDevice(row as Row) : null;
}

export async function findDeviceByCredentialId(db: Db, credentialId: string): Promise<MfaDevice | null> {
  const row = await db
    .selectFrom('mfa_devices')
    .selectAll()
    .where('webauthn_credential_id', '=', credentialId)
    .executeTakeFirst();
  return row ? toDevice(row as Row) : null;
}

/** The principal's enabled devices, oldest first. */
export async function listDevicesOf(db: Db, principalId: string): Promise<MfaDevice[]> {
  const rows = await db
    .selectFrom('mfa_devices')
    .selectAll()
    .where('principal_id', '=', principalId)
    .where('enabled_at', 'is not', null)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map((r) => toDevice(r as Row));
}

export async function hasEnabledDevice(db: Db, principalId: string): Promise<boolean> {
  const row = await db
    .selectFrom('mfa_devices')
    .select('id')
    .where('principal_id', '=', principalId)
    .where('enabled_at', 'is not', null)
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

export async function countDevicesOf(db: Db, principalId: string): Promise<number> {
  const row = await db
    .selectFrom('mfa_devices')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('principal_id', '=', principalId)
    .where('enabled_at', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** How many enabled devices each of these principals has; a principal without one is absent. */
export async function enabledDeviceCounts(db: Db, principalIds: readonly string[]): Promise<Map<string, number>> {
  if (principalIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('mfa_devices')
    .select(['principal_id', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('principal_id', 'in', principalIds)
    .where('enabled_at', 'is not', null)
    .groupBy('principal_id')
    .execute();
  return new Map(rows.map((r) => [r.principal_id!, Number(r.n)]));
}

/** Virtual devices of an account; `assigned` filters on whether a principal holds them. */
export async function listVirtualDevices(db: Db, accountId: string, assigned?: boolean): Promise<MfaDevice[]> {
  let q = db.selectFrom('mfa_devices').selectAll().where('account_id', '=', accountId).where('kind', '=', 'totp');
  if (assigned === true) q = q.where('enabled_at', 'is not', null);
  if (assigned === false) q = q.where('enabled_at', 'is', null);
  const rows = await q.orderBy('serial').execute();
  return rows.map((r) => toDevice(r as Row));
}

export async function enableDevice(
  db: Db,
  id: string,
  principalId: string,
  enabledAt: string,
  lastStep: number | null,
): Promise<void> {
  await db
    .updateTable('mfa_devices')
    .set({ principal_id: principalId, pending_for: null, enabled_at: enabledAt, totp_last_step: lastStep })
    .where('id', '=', id)
    .execute();
}

/**
 * Records an accepted TOTP step, only if it is later than the last one: two requests
 * racing with the same code cannot both win. Returns whether this one did.
 */
export async function acceptTotpStep(db: Db, id: string, step: number, usedAt: string): Promise<boolean> {
  const result = await db
    .updateTable('mfa_devices')
    .set({ totp_last_step: step, last_used_at: usedAt })
    .where('id', '=', id)
    .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function setTotpSync(db: Db, id: string, step: number, offset: number): Promise<void> {
  await db.updateTable('mfa_devices').set({ totp_last_step: step, totp_offset: offset }).where('id', '=', id).execute();
}

/** Stores a security key's new signature counter, only if it went up (or the key keeps none). */
export async function acceptWebauthnCounter(
  db: Db,
  id: string,
  oldCounter: number,
  newCounter: number,
  usedAt: string,
): Promise<boolean> {
  const result = await db
    .updateTable('mfa_devices')
    .set({ webauthn_counter: newCounter, last_used_at: usedAt })
    .where('id', '=', id)
    .where('webauthn_counter', '=', oldCounter)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A virtual device nobody holds: no owner, no pending enrolment, no codes seen or used. */
const UNASSIGNED = {
  principal_id: null,
  pending_for: null,
  enabled_at: null,
  totp_last_step: null,
  totp_offset: 0,
  last_used_at: null,
} as const;

/** Deactivation: a virtual device stays as an unassigned entity (as AWS); a security key is removed. */
export async function unassignDevice(db: Db, id: string): Promise<void> {
  await db.updateTable('mfa_devices').set(UNASSIGNED).where('id', '=', id).execute();
}

/**
 * When a principal goes away (its user is deleted): security keys are removed, virtual
 * devices become unassigned, its recovery codes and code-failure count are dropped.
 */
export async function releaseDevicesOf(db: Db, principalId: string): Promise<void> {
  await db.deleteFrom('mfa_devices').where('principal_id', '=', principalId).where('kind', '=', 'webauthn').execute();
  await db.updateTable('mfa_devices').set(UNASSIGNED).where('principal_id', '=', principalId).execute();
  await db.deleteFrom('mfa_devices').where('pending_for', '=', principalId).execute();
  await db.deleteFrom('mfa_recovery_codes').where('principal_id', '=', principalId).execute();
  await db.deleteFrom('mfa_throttle').where('principal_id', '=', principalId).execute();
}

export async function deleteDeviceRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('mfa_devices').where('id', '=', id).execute();
}

/** Unfinished console enrolments of a principal, replaced when it starts another. */
export async function deletePendingEnrolments(db: Db, principalId: string): Promise<void> {
  await db.deleteFrom('mfa_devices').where('pending_for', '=', principalId).where('enabled_at', 'is', null).execute();
}

// Recovery codes

export async function replaceRecoveryCodes(
  db: Db,
  accountId: string,
  principalId: string,
  codes: Array<{ id: string; hash: string }>,
  createdAt: string,
): Promise<void> {
  await db.deleteFrom('mfa_recovery_codes').where('principal_id', '=', principalId).execute();
  if (codes.length === 0) return;
  await db
    .insertInto('mfa_recovery_codes')
    .values(
      codes.map((c) => ({
        id: c.id,
        account_id: accountId,
        principal_id: principalId,
        code_hash: c.hash,
        created_at: createdAt,
        used_at: null,
      })),
    )
    .execute();
}

export async function unusedRecoveryCodes(db: Db, principalId: string): Promise<Array<{ id: string; hash: string }>> {
  const rows = await db
    .selectFrom('mfa_recovery_codes')
    .select(['id', 'code_hash'])
    .where('principal_id', '=', principalId)
    .where('used_at', 'is', null)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: r.id, hash: r.code_hash }));
}

/** Marks a code used, only if nobody used it first. */
export async function useRecoveryCode(db: Db, id: string, usedAt: string): Promise<boolean> {
  const result = await db
    .updateTable('mfa_recovery_codes')
    .set({ used_at: usedAt })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function recoveryCodeCounts(db: Db, principalId: string): Promise<{ total: number; unused: number }> {
  const rows = await db
    .selectFrom('mfa_recovery_codes')
    .select('used_at')
    .where('principal_id', '=', principalId)
    .execute();
  return { total: rows.length, unused: rows.filter((r) => r.used_at === null).length };
}

// Throttle

export interface ThrottleState {
  failures: number;
  blockedUntil: string | null;
}

export async function findThrottle(db: Db, principalId: string): Promise<ThrottleState | null> {
  const row = await db
    .selectFrom('mfa_throttle')
    .select(['failures', 'blocked_until'])
    .where('principal_id', '=', principalId)
    .executeTakeFirst();
  return row ? { failures: Number(row.failures), blockedUntil: row.blocked_until } : null;
}

export async function saveThrottle(db: Db, principalId: string, state: ThrottleState, now: string): Promise<void> {
  await db
    .insertInto('mfa_throttle')
    .values({ principal_id: principalId, failures: state.failures, blocked_until: state.blockedUntil, updated_at: now })
    .onConflict((oc) =>
      oc
        .column('principal_id')
        .doUpdateSet({ failures: state.failures, blocked_until: state.blockedUntil, updated_at: now }),
    )
    .execute();
}

/**
 * Moves the count from `expected` (0: no row) to `next` in one compare-and-set: true for the
 * one request whose reading was still current, false for every other.
 */
export async function replaceThrottle(
  db: Db,
  principalId: string,
  expected: number,
  next: ThrottleState,
  now: string,
): Promise<boolean> {
  if (expected === 0) {
    const row = await db
      .insertInto('mfa_throttle')
      .values({ principal_id: principalId, failures: next.failures, blocked_until: next.blockedUntil, updated_at: now })
      .onConflict((oc) =>
        oc
          .column('principal_id')
          .doUpdateSet({ failures: next.failures, blocked_until: next.blockedUntil, updated_at: now })
          .where('mfa_throttle.failures', '=', 0),
      )
      .returning('principal_id')
      .executeTakeFirst();
    return row !== undefined;
  }
  const result = await db
    .updateTable('mfa_throttle')
    .set({ failures: next.failures, blocked_until: next.blockedUntil, updated_at: now })
    .where('principal_id', '=', principalId)
    .where('failures', '=', expected)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function clearThrottle(db: Db, principalId: string): Promise<void> {
  await db.deleteFrom('mfa_throttle').where('principal_id', '=', principalId).execute();
}

// Sign-in step and challenges

export async function insertSignInStep(
  db: Db,
  sessionId: string,
  nextRestriction: SessionRestriction | null,
  createdAt: string,
  expiresAt: string,
): Promise<void> {
  await db
    .insertInto('mfa_sign_in_steps')
    .values({ session_id: sessionId, next_restriction: nextRestriction, created_at: createdAt, expires_at: expiresAt })
    .onConflict((oc) =>
      oc
        .column('session_id')
        .doUpdateSet({ next_restriction: nextRestriction, created_at: createdAt, expires_at: expiresAt }),
    )
    .execute();
}

export async function findSignInStep(
  db: Db,
  sessionId: string,
): Promise<{ nextRestriction: SessionRestriction | null; expiresAt: string } | null> {
  const row = await db
    .selectFrom('mfa_sign_in_steps')
    .select(['next_restriction', 'expires_at'])
    .where('session_id', '=', sessionId)
    .executeTakeFirst();
  return row ? { nextRestriction: row.next_restriction, expiresAt: row.expires_at } : null;
}

export async function extendSignInStep(db: Db, sessionId: string, expiresAt: string): Promise<void> {
  await db
    .updateTable('mfa_sign_in_steps')
    .set({ expires_at: expiresAt })
    .where('session_id', '=', sessionId)
    .execute();
}

export async function saveChallenge(
  db: Db,
  sessionId: string,
  purpose: string,
  challenge: string,
  expiresAt: string,
): Promise<void> {
  await db.deleteFrom('mfa_challenges').where('session_id', '=', sessionId).where('purpose', '=', purpose).execute();
  await db
    .insertInto('mfa_challenges')
    .values({ session_id: sessionId, purpose, challenge, expires_at: expiresAt })
    .execute();
}

/** The session's challenge for `purpose`, removed as it is read: each challenge answers once. */
export async function takeChallenge(
  db: Db,
  sessionId: string,
  purpose: string,
): Promise<{ challenge: string; expiresAt: string } | null> {
  const row = await db
    .selectFrom('mfa_challenges')
    .select(['challenge', 'expires_at'])
    .where('session_id', '=', sessionId)
    .where('purpose', '=', purpose)
    .executeTakeFirst();
  if (!row) return null;
  const deleted = await db
    .deleteFrom('mfa_challenges')
    .where('session_id', '=', sessionId)
    .where('purpose', '=', purpose)
    .where('challenge', '=', row.challenge)
    .executeTakeFirst();
  if (Number(deleted.numDeletedRows) !== 1) return null;
  return { challenge: row.challenge, expiresAt: row.expires_at };
}
