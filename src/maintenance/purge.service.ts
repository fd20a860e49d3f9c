import { DAY, HOUR } from '../shared/clock.ts';
import type { Deps } from '../deps.ts';
import { purgeExpiredReferences } from '../support-references/support-reference.service.ts';
import { deleteOldInvalidations } from '../caches/invalidation.repository.ts';
import { purgeExpiredOidcRecords } from '../oidc/oidc-storage.service.ts';
import { deleteCountsBefore, minuteOf } from '../decision-counts/authorization-count.repository.ts';
import {
  deleteDeliveredMessages,
  deleteEndedSessions,
  deleteExpiredMfaSteps,
  deleteIdleThrottleRows,
  deleteLeftoverJobs,
  deleteOldHelpRequests,
  deleteOldMfaRecoveries,
  deleteOldSessionCredentials,
  deleteOldTokens,
  deleteOldUnlockLinks,
  trimPasswordHistory,
} from './purge.repository.ts';

/**
 * Expired links, codes and credentials stay this long after they stop working, so a late
 * click still gets told "expired" (or ExpiredToken) rather than "unknown".
 */
export const EXPIRED_GRACE_MS = DAY;
/** Sent mail and phone messages (their bodies held single-use links and codes) are kept this long. */
export const DELIVERED_RETENTION_MS = 7 * DAY;
/** Finished MFA recoveries and "ask my administrator" requests are kept this long. */
export const REQUEST_RETENTION_MS = 30 * DAY;
/** A background job still queued this long after its form was sent is no longer wanted; failed ones go at once. */
export const JOB_RETENTION_MS = DAY;
/** The most any password policy remembers (AWS's PasswordReusePrevention maximum). */
export const PASSWORD_HISTORY_KEPT = 24;
/** Cache invalidations are kept this long (every process reads them within a second or stops caching). */
export const INVALIDATION_RETENTION_MS = HOUR;
/** The authorization API's per-minute decision counts are kept this long (the Activity page shows the last day). */
export const DECISION_COUNT_RETENTION_MS = 2 * DAY;
/** How often `serve` purges. */
export const PURGE_INTERVAL_MS = HOUR;

export type PurgeReport = Record<
  | 'sessions'
  | 'mfaSteps'
  | 'tokens'
  | 'unlockLinks'
  | 'sessionCredentials'
  | 'mfaRecoveries'
  | 'deliveredMessages'
  | 'helpRequests'
  | 'passwordHistory'
  | 'throttleRows'
  | 'supportReferences'
  | 'jobs'
  | 'cacheInvalidations'
  | 'oidcRecords'
  | 'decisionCounts',
  number
>;

/**
 * Removes what can no longer be used or is kept no longer: ended sessions, expired links,
 * codes and temporary credentials, delivered messages, old requests, password hashes beyond
 * the most a policy can remember, refilled rate buckets, expired support references,
 * background jobs that failed for good or were never run, old cache invalidations, and the
 * OpenID Connect provider's expired sessions, codes, tokens and grants, and the authorization
 * API's decision counts after two days.
 * The audit trail is never purged: it is a hash chain, and deleting from it is tampering.
 * Consecutive-failure counts stay too: a hard stop lasts until it is lifted.
 */
export async function purgeExpired(deps: Deps): Promise<PurgeReport> {
  const now = deps.clock.now();
  const at = (ms: number) => new Date(now.getTime() - ms).toISOString();
  const { db } = deps;
  return {
    sessions: await deleteEndedSessions(db, now.toISOString(), at(deps.sessionIdleMs)),
    mfaSteps: await deleteExpiredMfaSteps(db, now.toISOString()),
    tokens: await deleteOldTokens(db, at(EXPIRED_GRACE_MS)),
    unlockLinks: await deleteOldUnlockLinks(db, at(EXPIRED_GRACE_MS)),
    sessionCredentials: await deleteOldSessionCredentials(db, at(EXPIRED_GRACE_MS)),
    mfaRecoveries: await deleteOldMfaRecoveries(db, at(REQUEST_RETENTION_MS)),
    deliveredMessages: await deleteDeliveredMessages(db, at(DELIVERED_RETENTION_MS)),
    helpRequests: await deleteOldHelpRequests(db, at(REQUEST_RETENTION_MS)),
    passwordHistory: await trimPasswordHistory(db, PASSWORD_HISTORY_KEPT),
    throttleRows: await deleteIdleThrottleRows(db, now.getTime()),
    supportReferences: await purgeExpiredReferences(deps),
    jobs: await deleteLeftoverJobs(db, at(JOB_RETENTION_MS)),
    cacheInvalidations: await deleteOldInvalidations(db, at(INVALIDATION_RETENTION_MS)),
    oidcRecords: await purgeExpiredOidcRecords(deps),
    decisionCounts: await deleteCountsBefore(db, minuteOf(new Date(now.getTime() - DECISION_COUNT_RETENTION_MS))),
  };
}

/** Purges now and then every `intervalMs` until stopped; a failed pass is logged and the next one tries again. */
export function startPurging(
  deps: Deps,
  log: { info(object: object, message: string): void; error(object: object, message: string): void },
  intervalMs = PURGE_INTERVAL_MS,
): { stop(): Promise<void> } {
  let running: Promise<void> | null = null;
  const pass = () => {
    running ??= purgeExpired(deps)
      .then((report) => {
        if (Object.values(report).some((n) => n > 0)) log.info({ purged: report }, 'purged expired data');
      })
      .catch((error: unknown) => log.error({ err: error }, 'purge pass failed'))
      .finally(() => (running = null));
  };
  pass();
  const timer = setInterval(pass, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
