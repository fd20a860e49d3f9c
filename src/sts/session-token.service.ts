import { randomBytes } from 'node:crypto';
import { newAccessKeyId, newSecretAccessKey, sealKeySecret } from '../access-keys/access-key.service.ts';
import { type Principal, actorOf } from '../identities/principal.ts';
import { type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import { DAY } from '../shared/clock.ts';
import type { Db } from '../db/database.ts';
import type { Deps } from '../deps.ts';
import { hashSecret } from '../shared/secrets.ts';
import { deleteExpiredSessionCredentials, insertSessionCredential } from './session-credential.repository.ts';

/** AWS's GetSessionToken limits, in seconds. */
export const SESSION_DURATION = { min: 900, max: 129_600, defaultForUsers: 43_200, maxForRoot: 3_600 } as const;

export interface TemporaryCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string;
  expiration: string;
}

/** New temporary credentials, and what is stored of them: the secret sealed, the session token only as a hash. */
export function mintTemporaryCredentials(
  deps: Deps,
  now: Date,
  seconds: number,
): TemporaryCredentials & { secretSealed: string; tokenHash: string } {
  const accessKeyId = newAccessKeyId('ASIA');
  const secretAccessKey = newSecretAccessKey();
  const sessionToken = randomBytes(96).toString('base64');
  return {
    accessKeyId,
    secretAccessKey,
    sessionToken,
    expiration: new Date(now.getTime() + seconds * 1000).toISOString(),
    secretSealed: sealKeySecret(deps, accessKeyId, secretAccessKey),
    tokenHash: hashSecret(sessionToken),
  };
}

/** Expired credentials are kept a day so callers are told "expired" rather than "invalid"; older ones go. */
export function forgetLongExpired(db: Db, now: Date): Promise<void> {
  return deleteExpiredSessionCredentials(db, new Date(now.getTime() - DAY).toISOString());
}

/**
 * Issues temporary credentials (ASIA…) for the caller of GetSessionToken, signed in with
 * the long-term key `sourceKeyId`. The root user's sessions last at most an hour (longer
 * requests are capped, as AWS does); the session token is stored only as a hash.
 */
export async function issueSessionToken(
  deps: Deps,
  principal: Principal,
  sourceKeyId: string,
  requestedSeconds: number | undefined,
  meta: RequestMeta,
  /** Set when the caller proved an MFA device (SerialNumber + TokenCode): the credentials are MFA-authenticated. */
  mfa: { at: string; serialNumber: string } | null = null,
): Promise<TemporaryCredentials> {
  let seconds =
    requestedSeconds ?? (principal.type === 'root' ? SESSION_DURATION.maxForRoot : SESSION_DURATION.defaultForUsers);
  if (principal.type === 'root') seconds = Math.min(seconds, SESSION_DURATION.maxForRoot);
  const now = deps.clock.now();
  const { secretSealed, tokenHash, ...credentials } = mintTemporaryCredentials(deps, now, seconds);
  const { accessKeyId, expiration } = credentials;
  await deps.db.transaction().execute(async (tx) => {
    await forgetLongExpired(tx, now);
    await insertSessionCredential(tx, {
      id: accessKeyId,
      accountId: principal.accountId,
      principalId: principal.id,
      sourceKeyId,
      secretSealed,
      tokenHash,
      createdAt: now.toISOString(),
      expiresAt: expiration,
      mfaAt: mfa?.at ?? null,
    });
    await recordAudit(tx, deps, meta, {
      accountId: principal.accountId,
      actor: actorOf(principal),
      eventName: 'GetSessionToken',
      target: { id: principal.id, name: principal.name },
      details: {
        accessKeyId,
        sourceKeyId,
        durationSeconds: seconds,
        expiration,
        ...(mfa ? { mfaSerialNumber: mfa.serialNumber } : {}),
      },
    });
  });
  return credentials;
}
