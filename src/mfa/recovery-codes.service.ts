import type { Principal } from '../identities/principal.ts';
import { type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import type { Db } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import { newRowId } from '../shared/ids.ts';
import { hashSecret, matchesHash, randomBase32 } from '../shared/secrets.ts';
import { notifyMfaChange } from './mfa-mail.ts';
import { resetCodeFailures, spendCodeTry } from './mfa-throttle.ts';
import { recoveryCodeCounts, replaceRecoveryCodes, unusedRecoveryCodes, useRecoveryCode } from './mfa.repository.ts';

/** Ten codes, each 16 base32 characters (80 bits), shown once as `xxxx-xxxx-xxxx-xxxx`. */
export const RECOVERY_CODE_COUNT = 10;
/** The console warns when this many or fewer unused codes are left. */
export const FEW_RECOVERY_CODES = 3;

function normalise(code: string): string {
  return code.toLowerCase().replace(/[\s-]/g, '');
}

function format(raw: string): string {
  return raw.match(/.{4}/g)!.join('-');
}

/**
 * New recovery codes for the principal, replacing any earlier ones. Returned once for the
 * person to keep; only their SHA-256 hashes are stored (80 random bits need no slow hash).
 */
export async function createRecoveryCodes(
  deps: Deps,
  principal: Principal,
  actor: Actor,
  meta: RequestMeta,
): Promise<string[]> {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, () => randomBase32(10));
  const now = deps.clock.now().toISOString();
  await deps.db.transaction().execute(async (tx) => {
    await replaceRecoveryCodes(
      tx,
      principal.accountId,
      principal.id,
      codes.map((c) => ({ id: newRowId(deps.clock.now()), hash: hashSecret(c) })),
      now,
    );
    await recordAudit(tx, deps, meta, {
      accountId: principal.accountId,
      actor,
      eventName: 'CreateMFARecoveryCodes',
      target: { id: principal.id, name: principal.name },
      details: { count: RECOVERY_CODE_COUNT },
    });
    await notifyMfaChange(tx, deps, meta, principal.accountId, principal.id, { kind: 'recovery-codes-created' });
  });
  return codes.map(format);
}

export async function recoveryCodeStatus(db: Db, principalId: string): Promise<{ total: number; unused: number }> {
  return recoveryCodeCounts(db, principalId);
}

/**
 * Spends one recovery code, in the caller's transaction: true when it was unused and
 * is now used. Every unused code is compared (in constant time), whichever matches.
 * Each try is spent from the same throttle as TOTP codes before any compare.
 */
export async function spendRecoveryCode(
  tx: Db,
  deps: Pick<Deps, 'clock' | 'dialect' | 'keyring'>,
  meta: RequestMeta,
  principal: Pick<Principal, 'accountId' | 'id'>,
  code: string,
): Promise<{ ok: true; left: number } | { ok: false; reason: 'MfaThrottled' | 'WrongCode' }> {
  if (!(await spendCodeTry(tx, deps, principal.id))) return { ok: false, reason: 'MfaThrottled' };
  const presented = normalise(code);
  const unused = await unusedRecoveryCodes(tx, principal.id);
  let match: string | null = null;
  for (const candidate of unused) {
    if (matchesHash(presented, candidate.hash) && match === null) match = candidate.id;
  }
  if (!match || !(await useRecoveryCode(tx, match, deps.clock.now().toISOString())))
    return { ok: false, reason: 'WrongCode' };
  await resetCodeFailures(tx, principal.id);
  const left = unused.length - 1;
  await notifyMfaChange(tx, deps, meta, principal.accountId, principal.id, { kind: 'recovery-code-used', left });
  return { ok: true, left };
}
