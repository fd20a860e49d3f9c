import { userArn } from '../identities/principal.ts';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { ownSession } from '../authz/console-access.ts';
import { assertConsoleAllowed } from '../authz/console-authorization.ts';
import { DAY } from '../shared/clock.ts';
import { GatehouseError } from '../shared/errors.ts';
import { lookUpReference } from '../support-references/support-reference.service.ts';
import { requireSignIn, signedInOf } from '../web/guard.ts';
import { metaOf } from '../web/request-meta.ts';
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
import { toCloudTrailRecord } from './cloudtrail-record.ts';
import { findUser } from '../users/user.service.ts';

type Query = Partial<Record<keyof ActivityForm, string>>;

function text(value: unknown, max: number): string {
  return typeof value === 'string' ? value.trim().slice(0, max) : '';
}

function readQuery(raw: Query, now: Date): { form: ActivityForm; query: ActivityQuery } {
  const form: ActivityForm = {
    user: text(raw.user, 128),
    event: text(raw.event, 64),
    outcome: text(raw.outcome, 16),
    from: text(raw.from, 10),
    to: text(raw.to, 10),
    ref: text(raw.ref, 20),
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
  const query: ActivityQuery = {
    from,
    to,
    ...(form.user ? { userName: form.user } : {}),
    ...(form.event ? { eventName: form.event } : {}),
    ...(form.outcome ? { outcome: form.outcome as 'Success' | 'Failure' } : {}),
  };
  return { form, query };
}

/** Activity: every principal's own recent activity; for administrators the account's audit trail, export and sign-in health. */
export async function activityRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const send = (reply: FastifyReply, status: number, body: string) =>
    reply.status(status).type('text/html; charset=utf-8').send(body);

  app.get('/console/recent-activity', async (request, reply) => {
    const who = await requireSignIn(web, request, reply);
    if (!who) return reply;
    const csrf = web.csrfToken(request, reply);
    return send(reply, 200, recentActivityPage(who.principal, csrf, await ownActivity(web.deps, who.principal)));
  });

  const ownNotice = ownSession(
    'Acknowledging the failed sign-ins shown on your own console home changes only what you are shown; no IAM action covers it.',
  );
  app.post('/console/activity/acknowledge', { config: { access: ownNotice } }, async (request, reply) => {
    const who = signedInOf(request);
    await acknowledgeFailures(web.deps, who.principal, metaOf(request));
    return reply.redirect('/console', 303);
  });

  app.get<{ Querystring: Query }>('/console/activity', async (request, reply) => {
    const who = await requireSignIn(web, request, reply);
    if (!who) return reply;
    await assertConsoleAllowed(web.deps, who, 'cloudtrail:LookupEvents', '*');
    const { form, query } = readQuery(request.query, web.deps.clock.now());
    const result = await accountActivity(web.deps, who.principal.accountId, query);
    const references = form.ref ? await lookUpReference(web.deps, who.principal.accountId, form.ref) : null;
    const params = new URLSearchParams(Object.entries(form).filter(([k, v]) => v && k !== 'ref'));
    return send(
      reply,
      200,
      activityPage(
        who.principal,
        web.csrfToken(request, reply),
        form,
        result,
        references,
        `/console/activity/export?${params}`,
      ),
    );
  });

  app.get<{ Querystring: Query }>('/console/activity/export', async (request, reply) => {
    const who = await requireSignIn(web, request, reply);
    if (!who) return reply;
    await assertConsoleAllowed(web.deps, who, 'cloudtrail:LookupEvents', '*');
    const { query } = readQuery(request.query, web.deps.clock.now());
    const result = await accountActivity(web.deps, who.principal.accountId, query, 10000);
    const lines = result.events.map((e) => JSON.stringify(toCloudTrailRecord(e))).join('\n');
    return reply
      .type('application/x-ndjson; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="gatehouse-activity-${who.principal.accountId}.jsonl"`)
      .send(lines ? `${lines}\n` : '');
  });

  app.get<{ Params: { name: string } }>('/console/activity/users/:name', async (request, reply) => {
    const who = await requireSignIn(web, request, reply);
    if (!who) return reply;
    const named = await findUser(web.deps, who.principal.accountId, request.params.name.slice(0, 128));
    await assertConsoleAllowed(
      web.deps,
      who,
      'iam:GetUser',
      userArn(who.principal.accountId, named?.path ?? '/', named?.name ?? request.params.name.slice(0, 128)),
    );
    const health = await signInHealth(web.deps, who.principal.accountId, request.params.name.slice(0, 128));
    return send(reply, 200, healthPage(who.principal, web.csrfToken(request, reply), health));
  });
}
