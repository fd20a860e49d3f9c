import type { Principal } from '../identities/principal.ts';
import { actorOf } from '../identities/principal.ts';
import { type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import { getUserPasswordExpiry } from '../password-policy/password-policy.service.ts';
import { DAY, HOUR } from '../shared/clock.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError } from '../shared/errors.ts';
import { type RecordedCause, causesOfReport } from '../doctor/diagnosis.ts';
import type { AuditEventRecord } from '../audit/audit.repository.ts';
import { minuteOf } from '../decision-counts/authorization-count.repository.ts';
import {
  type EventFilter,
  accessKeysOf,
  adminNoticeEvents,
  decisionCountsSince,
  findUserByNameInAccount,
  mfaDevicesOf,
  queryAccountEvents,
  signInOutcomes,
  signInsOf,
} from './activity.repository.ts';

export interface FailedSince {
  count: number;
  lastTime: string;
  lastIp: string | null;
  lastUserAgent: string | null;
}

/**
 * Failed sign-ins of the principal between its previous sign-in and now, unless it
 * already said "that was me" for them. Null when there are none.
 */
export async function failedSinceLastSignIn(deps: Deps, principal: Principal): Promise<FailedSince | null> {
  const rows = await signInsOf(deps.db, principal.accountId, principal.id, 300);
  let successes = 0;
  const failures: typeof rows = [];
  for (const row of rows) {
    if (row.eventName === 'FailedSignInsAcknowledged') break;
    if (row.outcome === 'Success') {
      successes++;
      // The newest success is the current sign-in; the one before it ends the window.
      if (successes === 2) break;
      continue;
    }
    if (row.outcome === 'Failure') failures.push(row);
  }
  const last = failures[0];
  if (!last) return null;
  return { count: failures.length, lastTime: last.time, lastIp: last.sourceIp, lastUserAgent: last.userAgent };
}

/** "That was me": the notice goes away until the next failure. */
export async function acknowledgeFailures(deps: Deps, principal: Principal, meta: RequestMeta): Promise<void> {
  await deps.db.transaction().execute((tx) =>
    recordAudit(tx, deps, meta, {
      accountId: principal.accountId,
      actor: actorOf(principal),
      eventName: 'FailedSignInsAcknowledged',
      target: { id: principal.id, name: principal.name },
    }),
  );
}

/** A principal's own sign-ins, failures and credential changes. */
export async function ownActivity(deps: Deps, principal: Principal): Promise<AuditEventRecord[]> {
  return queryAccountEvents(deps.db, principal.accountId, { principalId: principal.id }, 100);
}

export interface ActivityQuery {
  userName?: string;
  eventName?: string;
  outcome?: 'Success' | 'Failure';
  from: Date;
  to: Date;
  /** The page after the event with this `seq` (older events). */
  before?: number;
}

/** The authorization API's decisions for one service and action, summed over the last hour and day. */
export interface DecisionCount {
  serviceArn: string;
  action: string;
  allowedHour: number;
  deniedHour: number;
  allowedDay: number;
  deniedDay: number;
}

export interface ActivityResult {
  events: AuditEventRecord[];
  buckets: Bucket[];
  /** Decisions made for the account's keys by the authorization API, counted per minute, for the last hour and day. */
  decisionCounts: DecisionCount[];
  unknownUser: boolean;
  /** When there are older events: the `seq` to ask for the next page with. */
  older?: number;
}

/** The administrators' Activity page: filtered events and the sign-in chart for the same range. */
export async function accountActivity(
  deps: Deps,
  accountId: string,
  query: ActivityQuery,
  limit = 200,
): Promise<ActivityResult> {
  let principalId: string | undefined;
  let unknownUser = false;
  if (query.userName) {
    if (query.userName.toLowerCase() === 'root') principalId = accountId;
    else {
      const user = await findUserByNameInAccount(deps.db, accountId, query.userName);
      principalId = user?.id;
      unknownUser = !user;
    }
  }
  const decisionCounts = await recentDecisionCounts(deps, accountId);
  if (unknownUser) return { events: [], buckets: bucketise([], query.from, query.to, 24), decisionCounts, unknownUser };
  const filter: EventFilter = {
    ...(principalId ? { principalId } : {}),
    ...(query.eventName ? { eventName: query.eventName } : {}),
    ...(query.outcome ? { outcome: query.outcome } : {}),
    from: query.from.toISOString(),
    to: query.to.toISOString(),
    ...(query.before !== undefined ? { beforeSeq: query.before } : {}),
  };
  // One more than a page: whether there is an older page.
  const found = await queryAccountEvents(deps.db, accountId, filter, limit + 1);
  const events = found.slice(0, limit);
  const outcomes = await signInOutcomes(deps.db, accountId, filter.from!, filter.to!, principalId);
  const older = found.length > limit ? events.at(-1)?.seq : undefined;
  return {
    events,
    buckets: bucketise(outcomes, query.from, query.to, 24),
    decisionCounts,
    unknownUser,
    ...(older !== undefined ? { older } : {}),
  };
}

/** The per-minute counts of the last day, one row per service and action, Allow and Deny side by side. */
async function recentDecisionCounts(deps: Deps, accountId: string): Promise<DecisionCount[]> {
  const now = deps.clock.now().getTime();
  const rows = await decisionCountsSince(
    deps.db,
    accountId,
    minuteOf(new Date(now - DAY)),
    minuteOf(new Date(now - HOUR)),
  );
  const byAction = new Map<string, DecisionCount>();
  for (const row of rows) {
    const key = `${row.serviceArn}\n${row.action}`;
    let count = byAction.get(key);
    if (!count) {
      count = {
        serviceArn: row.serviceArn,
        action: row.action,
        allowedHour: 0,
        deniedHour: 0,
        allowedDay: 0,
        deniedDay: 0,
      };
      byAction.set(key, count);
    }
    if (row.decision === 'Allow') {
      count.allowedHour += row.lastHour;
      count.allowedDay += row.lastDay;
    } else {
      count.deniedHour += row.lastHour;
      count.deniedDay += row.lastDay;
    }
  }
  return [...byAction.values()];
}

export function defaultRange(now: Date): { from: Date; to: Date } {
  return { from: new Date(now.getTime() - 7 * DAY), to: new Date(now.getTime() + HOUR) };
}

export interface SignInHealth {
  userName: string;
  createdAt: string;
  lastSuccess: { time: string; ip: string | null; userAgent: string | null } | null;
  recentFailures: Array<{ time: string; reason: string | null; ip: string | null; userAgent: string | null }>;
  password: {
    enabled: boolean;
    changedAt: string | null;
    resetRequired: boolean;
    expiresAt: string | null;
    expired: boolean;
  };
  mfa: Array<{ name: string; kind: string; enabledAt: string | null; lastUsedAt: string | null }>;
  accessKeys: Array<{
    id: string;
    status: string;
    createdAt: string;
    lastUsedAt: string | null;
    lastUsedService: string | null;
  }>;
}

/** One user's sign-in health for administrators. */
export async function signInHealth(deps: Deps, accountId: string, userName: string): Promise<SignInHealth> {
  const user = await findUserByNameInAccount(deps.db, accountId, userName);
  if (!user) throw new GatehouseError('NoSuchEntity', `There is no user ${userName} in this account.`);
  const signIns = await signInsOf(deps.db, accountId, user.id, 200);
  const last = signIns.find((r) => r.outcome === 'Success');
  const failures = signIns.filter((r) => r.outcome === 'Failure' && (!last || r.time > last.time)).slice(0, 20);
  const expiry = user.hasLoginProfile ? await getUserPasswordExpiry(deps, accountId, user.id) : null;
  return {
    userName: user.name,
    createdAt: user.createdAt,
    lastSuccess: last ? { time: last.time, ip: last.sourceIp, userAgent: last.userAgent } : null,
    recentFailures: failures.map((f) => ({ time: f.time, reason: f.reason, ip: f.sourceIp, userAgent: f.userAgent })),
    password: {
      enabled: user.hasLoginProfile,
      changedAt: user.passwordChangedAt,
      resetRequired: user.passwordResetRequired,
      expiresAt: expiry?.expiresAt ?? null,
      expired: expiry?.expired ?? false,
    },
    mfa: (await mfaDevicesOf(deps.db, user.id)).map((d) => ({
      name: d.name,
      kind: d.kind,
      enabledAt: d.enabledAt,
      lastUsedAt: d.lastUsedAt,
    })),
    accessKeys: (await accessKeysOf(deps.db, user.id)).map((k) => ({
      id: k.id,
      status: k.status,
      createdAt: k.createdAt,
      lastUsedAt: k.lastUsedAt,
      lastUsedService: k.lastUsedService,
    })),
  };
}

export interface Bucket {
  start: string;
  success: number;
  failure: number;
}

/** Counts sign-in outcomes in `count` equal buckets between `from` and `to`. */
export function bucketise(
  rows: Array<{ time: string; outcome: string | null }>,
  from: Date,
  to: Date,
  count: number,
): Bucket[] {
  const width = (to.getTime() - from.getTime()) / count;
  const buckets: Bucket[] = Array.from({ length: count }, (_, i) => ({
    start: new Date(from.getTime() + i * width).toISOString(),
    success: 0,
    failure: 0,
  }));
  for (const row of rows) {
    const i = Math.floor((new Date(row.time).getTime() - from.getTime()) / width);
    const bucket = buckets[i];
    if (!bucket) continue;
    if (row.outcome === 'Success') bucket.success++;
    else if (row.outcome === 'Failure') bucket.failure++;
  }
  return buckets;
}

export interface AdminNotice {
  time: string;
  text: string;
  link: { label: string; url: string } | null;
  /** A sign-in report: every cause it named, as mailed. */
  causes?: RecordedCause[];
}

/** Reports sent to administrators about users who could not sign in, and support activity on the account. */
export async function adminNotices(deps: Deps, accountId: string): Promise<AdminNotice[]> {
  const since = new Date(deps.clock.now().getTime() - 7 * DAY).toISOString();
  const rows = await adminNoticeEvents(deps.db, accountId, since);
  const notices: AdminNotice[] = [];
  for (const row of rows) {
    if (row.eventName === 'SignInDiagnosisSent') {
      const details = parse(row.details) as { channel?: string } | null;
      if (details?.channel !== 'administrators') continue;
      // The very list the mail was made from, every cause of it, with links made relative.
      const causes = causesOfReport(row.details).map((c) => ({ ...c, url: relativeLink(c.url) }));
      notices.push({
        time: row.time,
        text: `${row.targetName ?? 'A user'} could not sign in${causes.length > 0 ? '. The report mailed to the root email says:' : ': see the report mailed to the root email.'}`,
        link: null,
        causes,
      });
    } else {
      const what =
        row.eventName === 'SupportCaseOpened'
          ? 'A support case naming this account was opened'
          : row.eventName === 'SupportCaseViewed'
            ? `Support (${row.actorName}) viewed a case naming this account`
            : `Support (${row.actorName}) replied to a case naming this account`;
      notices.push({
        time: row.time,
        text: `${what} (${row.targetId}).`,
        link: { label: 'Activity', url: `/console/activity?event=${row.eventName}` },
      });
    }
  }
  return notices;
}

function relativeLink(url: string): string {
  try {
    const parsed = new URL(url);
    return parsed.pathname + parsed.search;
  } catch {
    return '/console';
  }
}

function parse(text: string | null): unknown {
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** What the console home shows after sign-in: failures since the last sign-in, and for those who see the account's users, administrators' notices. */
export interface ConsoleNotices {
  failed: FailedSince | null;
  /** Whether the viewer sees the account's users (iam:ListUsers): then also administrators' notices and open requests for help. */
  administers: boolean;
  adminNotices: AdminNotice[];
}

/**
 * `administers`: whether the viewer may list the account's users (iam:ListUsers), as this
 * request already decided it for the console's links (the `users` ability): not decided again.
 */
export async function loadConsoleNotices(
  deps: Deps,
  principal: Principal,
  administers: boolean,
): Promise<ConsoleNotices> {
  const failed = await failedSinceLastSignIn(deps, principal);
  return { failed, administers, adminNotices: administers ? await adminNotices(deps, principal.accountId) : [] };
}
