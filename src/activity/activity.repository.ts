import { sql } from 'kysely';
import { type AuditEventRecord, toAuditEvent } from '../audit/audit.repository.ts';
import type { Db } from '../db/database.ts';
import { prepared, sqlLimit } from '../db/prepared.ts';
import { remember } from '../shared/remember.ts';

export interface EventFilter {
  /** Events the principal did or that were done to it. */
  principalId?: string;
  eventName?: string;
  outcome?: 'Success' | 'Failure';
  from?: string;
  to?: string;
  /** Only events older than this one (its `seq`): the next page of a long list. */
  beforeSeq?: number;
}

export async function queryAccountEvents(
  db: Db,
  accountId: string,
  filter: EventFilter,
  limit: number,
): Promise<AuditEventRecord[]> {
  let q = db.selectFrom('audit_events').selectAll().where('account_id', '=', accountId);
  if (filter.principalId) {
    const id = filter.principalId;
    q = q.where((eb) => eb.or([eb('actor_id', '=', id), eb('target_id', '=', id)]));
  }
  if (filter.eventName) q = q.where('event_name', '=', filter.eventName);
  if (filter.outcome) q = q.where('outcome', '=', filter.outcome);
  if (filter.from) q = q.where('time', '>=', filter.from);
  if (filter.to) q = q.where('time', '<', filter.to);
  if (filter.beforeSeq !== undefined) q = q.where('seq', '<', filter.beforeSeq);
  return (await q.orderBy('seq', 'desc').limit(limit).execute()).map(toAuditEvent);
}

/** Sign-in outcomes in a time range, for the chart. */
export async function signInOutcomes(db: Db, accountId: string, from: string, to: string, principalId?: string) {
  let q = db
    .selectFrom('audit_events')
    .select(['time', 'outcome'])
    .where('account_id', '=', accountId)
    .where('event_name', '=', 'ConsoleLogin')
    .where('time', '>=', from)
    .where('time', '<', to);
  if (principalId) q = q.where('actor_id', '=', principalId);
  return q.limit(20000).execute();
}

/** A sign-in (or "that was me") event: the few fields the console home and sign-in health read. */
export type SignInEvent = Pick<
  AuditEventRecord,
  'time' | 'outcome' | 'reason' | 'sourceIp' | 'userAgent' | 'eventName'
>;

function preparedSignIns(limit: number) {
  return prepared((db, accountId: string, principalId: string) => signInsQuery(db, accountId, principalId, limit));
}

/** `signInsOf`'s query for each limit it is asked with (a couple), compiled once each: it runs on every console home page. */
const signInsByLimit = new Map<number, ReturnType<typeof preparedSignIns>>();

/** The principal's own sign-ins, newest first (read on every console home page). */
export async function signInsOf(db: Db, accountId: string, principalId: string, limit: number): Promise<SignInEvent[]> {
  const signIns = remember(signInsByLimit, limit, () => preparedSignIns(limit));
  const { rows } = await signIns(db, accountId, principalId);
  return rows.map((r) => ({
    time: r.time,
    outcome: r.outcome,
    reason: r.reason,
    sourceIp: r.source_ip,
    userAgent: r.user_agent,
    eventName: r.event_name,
  }));
}

/** The query behind `signInsOf`, so a test can check that it reads only the principal's rows (audit_events_actor_seq). */
export function signInsQuery(db: Db, accountId: string, principalId: string, limit: number) {
  return db
    .selectFrom('audit_events')
    .select(['time', 'outcome', 'reason', 'source_ip', 'user_agent', 'event_name'])
    .where('account_id', '=', accountId)
    .where('actor_id', '=', principalId)
    .where('event_name', 'in', ['ConsoleLogin', 'FailedSignInsAcknowledged'])
    .orderBy('seq', 'desc')
    .limit(sqlLimit(limit));
}

/** Notices for administrators: sign-in reports sent to them and support activity, since `since`. */
export async function adminNoticeEvents(db: Db, accountId: string, since: string): Promise<AuditEventRecord[]> {
  const rows = await db
    .selectFrom('audit_events')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('time', '>=', since)
    .where('event_name', 'in', ['SignInDiagnosisSent', 'SupportCaseOpened', 'SupportCaseViewed', 'SupportCaseReplied'])
    .where((eb) => eb.or([eb('outcome', 'is', null), eb('outcome', '=', 'Success')]))
    .orderBy('seq', 'desc')
    .limit(20)
    .execute();
  return rows.map(toAuditEvent);
}

/** Every chain: the accounts with events, and null for events of no account. */
export async function auditChains(db: Db): Promise<Array<string | null>> {
  const rows = await db.selectFrom('audit_events').select('account_id').distinct().execute();
  return rows.map((r) => r.account_id);
}

/** One chain's rows in order, a page at a time. */
export async function chainPage(
  db: Db,
  accountId: string | null,
  afterSeq: number,
  limit: number,
): Promise<AuditEventRecord[]> {
  const rows = await db
    .selectFrom('audit_events')
    .selectAll()
    .where(accountId === null ? sql<boolean>`account_id is null` : sql<boolean>`account_id = ${accountId}`)
    .where('seq', '>', afterSeq)
    .orderBy('seq', 'asc')
    .limit(limit)
    .execute();
  return rows.map(toAuditEvent);
}

/** A user of the account as the Activity page and sign-in health read it. */
export interface ActivityUser {
  id: string;
  name: string;
  createdAt: string;
  hasLoginProfile: boolean;
  passwordChangedAt: string | null;
  passwordResetRequired: boolean;
}

export async function findUserByNameInAccount(db: Db, accountId: string, name: string): Promise<ActivityUser | null> {
  const row = await db
    .selectFrom('users')
    .leftJoin('login_profiles', 'login_profiles.user_id', 'users.id')
    .select([
      'users.id',
      'users.name',
      'users.created_at',
      'login_profiles.password_changed_at',
      'login_profiles.password_reset_required',
      'login_profiles.user_id as profile',
    ])
    .where('users.account_id', '=', accountId)
    .where('users.name_key', '=', name.toLowerCase())
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    name: row.name,
    createdAt: row.created_at,
    hasLoginProfile: row.profile !== null,
    passwordChangedAt: row.password_changed_at,
    passwordResetRequired: row.password_reset_required === 1,
  };
}

/** An MFA device as sign-in health lists it. */
export interface ActivityMfaDevice {
  name: string;
  kind: string;
  enabledAt: string | null;
  lastUsedAt: string | null;
}

export async function mfaDevicesOf(db: Db, principalId: string): Promise<ActivityMfaDevice[]> {
  const rows = await db
    .selectFrom('mfa_devices')
    .select(['name', 'kind', 'enabled_at', 'last_used_at'])
    .where('principal_id', '=', principalId)
    .execute();
  return rows.map((r) => ({ name: r.name, kind: r.kind, enabledAt: r.enabled_at, lastUsedAt: r.last_used_at }));
}

/** An access key as sign-in health lists it. */
export interface ActivityAccessKey {
  id: string;
  status: string;
  createdAt: string;
  lastUsedAt: string | null;
  lastUsedService: string | null;
  lastUsedRegion: string | null;
}

export async function accessKeysOf(db: Db, principalId: string): Promise<ActivityAccessKey[]> {
  const rows = await db
    .selectFrom('access_keys')
    .select(['id', 'status', 'created_at', 'last_used_at', 'last_used_service', 'last_used_region'])
    .where('principal_id', '=', principalId)
    .orderBy('created_at')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    status: r.status,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    lastUsedService: r.last_used_service,
    lastUsedRegion: r.last_used_region,
  }));
}

/** The authorization API's decisions for the account's keys since `sinceMinute`, summed per service, action, decision and whether within the last hour. */
export async function decisionCountsSince(
  db: Db,
  accountId: string,
  sinceMinute: string,
  hourMinute: string,
): Promise<Array<{ serviceArn: string; action: string; decision: string; lastHour: number; lastDay: number }>> {
  const rows = await db
    .selectFrom('authorization_counts')
    .select([
      'service_arn',
      'action',
      'decision',
      sql<string>`sum(case when minute >= ${hourMinute} then count else 0 end)`.as('last_hour'),
      sql<string>`sum(count)`.as('last_day'),
    ])
    .where('account_id', '=', accountId)
    .where('minute', '>=', sinceMinute)
    .groupBy(['service_arn', 'action', 'decision'])
    .orderBy('service_arn')
    .orderBy('action')
    .limit(500)
    .execute();
  return rows.map((r) => ({
    serviceArn: r.service_arn,
    action: r.action,
    decision: r.decision,
    lastHour: Number(r.last_hour),
    lastDay: Number(r.last_day),
  }));
}
