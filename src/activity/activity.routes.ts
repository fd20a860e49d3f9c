import type { FastifyInstance } from 'fastify';
import { ownSession, permission } from '../authz/console-access.ts';
import { userInUrl, wholeAccount } from '../authz/console-resources.ts';
import { DAY } from '../shared/clock.ts';
import { GatehouseError } from '../shared/errors.ts';
import { lookUpReference } from '../support-references/support-reference.service.ts';
import { pageRoutes, redirect } from '../web/page-route.ts';
import type { WebContext } from '../web/web-context.ts';
import { type ActivityForm, activityPage, healthPage, recentActivityPage } from './activity.pages.ts';
import {
  type ActivityQuery,
  accountActivity,
  acknowledgeFailures,
  defaultRange,
  ownActivity,
  signInHealth,
} from './activity.service.ts';
import { AUTHORIZE_EVENT } from '../authorize-request/decision-record.service.ts';
import { toCloudTrailRecord } from './cloudtrail-record.ts';

type Query = Partial<Record<keyof ActivityForm, string>>;

/** Events on one page of the Activity list; older ones are a link away. */
const EVENTS_PER_PAGE = 50;

function text(value: unknown, max: number): string {
  return typeof value === 'string' ? value.trim().slice(0, max) : '';
}

function readQuery(raw: Query, now: Date): { form: ActivityForm; query: ActivityQuery } {
  const form: ActivityForm = {
    user: text(raw.user, 128),
    event: text(raw.event, 64),
    kind: text(raw.kind, 16),
    outcome: text(raw.outcome, 16),
    from: text(raw.from, 10),
    to: text(raw.to, 10),
    ref: text(raw.ref, 20),
    before: text(raw.before, 16),
  };
  const range = defaultRange(now);
  const day = (value: string, field: string): Date | null => {
    if (!value) return null;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) {
      throw new GatehouseError('ValidationError', `The ${field} date must look like 2026-11-29.`, { field });
    }
    return new Date(`${value}T00:00:00Z`);
  };
  const fromDay = day(form.from, 'from');
  const toDay = day(form.to, 'to');
  const from = fromDay ?? range.from;
  const to = toDay ? new Date(toDay.getTime() + DAY) : range.to;
  if (to <= from) throw new GatehouseError('ValidationError', 'The range must end after it starts.', { field: 'to' });
  if (form.outcome && form.outcome !== 'Success' && form.outcome !== 'Failure') {
    throw new GatehouseError('ValidationError', 'Outcome is Success or Failure.', { field: 'outcome' });
  }
  if (form.kind && form.kind !== 'decisions') {
    throw new GatehouseError('ValidationError', 'Show every event, or decisions for services.', { field: 'kind' });
  }
  if (form.before && !/^\d{1,15}$/.test(form.before)) {
    throw new GatehouseError('ValidationError', 'The page to show is not one this page links to.', { field: 'before' });
  }
  const query: ActivityQuery = {
    from,
    to,
    ...(form.before ? { before: Number(form.before) } : {}),
    ...(form.user ? { userName: form.user } : {}),
    // Decisions for services are the authorization API's events, whatever the event field says.
    ...(form.kind === 'decisions' ? { eventName: AUTHORIZE_EVENT } : form.event ? { eventName: form.event } : {}),
    ...(form.outcome ? { outcome: form.outcome as 'Success' | 'Failure' } : {}),
  };
  return { form, query };
}

/** The account's audit trail and its export: what the Query API's cloudtrail:LookupEvents reads. */
const ACCOUNT_ACTIVITY = permission({ action: 'cloudtrail:LookupEvents', resource: wholeAccount });

/** A user's sign-in health: part of what iam:GetUser shows of the user. */
const USER_HEALTH = permission({ action: 'iam:GetUser', resource: userInUrl() });

const OWN_ACTIVITY = ownSession(
  "Your own recent activity: the signed-in principal's sign-ins and credential changes; no IAM action covers it.",
);

const OWN_NOTICE = ownSession(
  'Acknowledging the failed sign-ins shown on your own console home changes only what you are shown; no IAM action covers it.',
);

/** Activity: every principal's own recent activity; for administrators the account's audit trail, export and sign-in health. */
export async function activityRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);

  // Yours even while the console acts as a role: the signed-in user's own record.
  pages.get('/console/recent-activity', { access: OWN_ACTIVITY }, async (p) =>
    recentActivityPage(p.who.principal, p.csrf, await ownActivity(p.deps, p.who.switched?.user ?? p.who.principal)),
  );

  pages.post('/console/activity/acknowledge', { access: OWN_NOTICE }, async (p) => {
    await acknowledgeFailures(p.deps, p.who.switched?.user ?? p.who.principal, p.meta);
    return redirect('/console');
  });

  pages.get('/console/activity', { access: ACCOUNT_ACTIVITY }, async (p) => {
    const { accountId } = p.who.principal;
    const { form, query } = readQuery(p.query, p.deps.clock.now());
    const result = await accountActivity(p.deps, accountId, query, EVENTS_PER_PAGE);
    const references = form.ref ? await lookUpReference(p.deps, accountId, form.ref) : null;
    const filters: Array<[string, string]> = Object.entries(form).filter(
      ([k, v]) => v && k !== 'ref' && k !== 'before',
    );
    const page = (before?: number) =>
      `/console/activity?${new URLSearchParams([...filters, ...(before ? [['before', String(before)] as [string, string]] : [])])}`;
    return activityPage(p.who.principal, p.csrf, form, result, references, {
      exportUrl: `/console/activity/export?${new URLSearchParams(filters)}`,
      olderUrl: result.older !== undefined ? page(result.older) : null,
      newestUrl: form.before ? page() : null,
    });
  });

  pages.get('/console/activity/export', { access: ACCOUNT_ACTIVITY }, async (p) => {
    const { accountId } = p.who.principal;
    const { query } = readQuery(p.query, p.deps.clock.now());
    const { before: _page, ...whole } = query;
    const result = await accountActivity(p.deps, accountId, whole, 10000);
    const lines = result.events.map((e) => JSON.stringify(toCloudTrailRecord(e))).join('\n');
    return p.reply
      .type('application/x-ndjson; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="gatehouse-activity-${accountId}.jsonl"`)
      .send(lines ? `${lines}\n` : '');
  });

  pages.get('/console/activity/users/:name', { access: USER_HEALTH }, async (p) => {
    const health = await signInHealth(p.deps, p.who.principal.accountId, p.params.name.slice(0, 128));
    return healthPage(p.who.principal, p.csrf, health);
  });
}
