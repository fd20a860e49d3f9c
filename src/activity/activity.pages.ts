import type { Principal } from '../identities/principal.ts';
import type { AuditEventRecord } from '../audit/audit.repository.ts';
import { browserOf } from '../doctor/diagnosis.ts';
import { type SafeHtml, html } from '../shared/html.ts';
import { FLOW_LABELS, type ReferenceLookup } from '../support-references/support-reference.service.ts';
import { csrfField, page, relativeTime, scrollingTable } from '../web/layout.ts';
import { signInChart } from './activity-chart.pages.ts';
import { AUTHORIZE_EVENT } from '../authorize-request/decision-record.service.ts';
import type {
  ActivityResult,
  AdminNotice,
  ConsoleNotices,
  DecisionCount,
  FailedSince,
  SignInHealth,
} from './activity.service.ts';

/** An event's details (JSON, as recorded), or null when it has none that can be read. */
function detailsOf(row: AuditEventRecord): Record<string, unknown> | null {
  if (!row.details) return null;
  try {
    const details: unknown = JSON.parse(row.details);
    return details !== null && typeof details === 'object' ? (details as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Whoever assumed a role is named by ARN: it may be of another account. */
function assumerArn(row: AuditEventRecord): string | null {
  if (row.eventName !== 'AssumeRole') return null;
  const arn = detailsOf(row)?.callerArn;
  return typeof arn === 'string' ? arn : null;
}

/** What an event that starts a role session says of the session; `mfa` is null when not recorded (a refusal). */
interface RoleSessionFacts {
  sessionName: string;
  sourceIdentity: string | null;
  mfa: boolean | null;
}

const ROLE_SESSION_EVENTS = new Set(['AssumeRole', 'AssumeRoleWithWebIdentity']);

function roleSessionOf(row: AuditEventRecord): RoleSessionFacts | null {
  if (!ROLE_SESSION_EVENTS.has(row.eventName)) return null;
  const d = detailsOf(row);
  if (typeof d?.roleSessionName !== 'string') return null;
  return {
    sessionName: d.roleSessionName,
    sourceIdentity: typeof d.sourceIdentity === 'string' ? d.sourceIdentity : null,
    mfa: typeof d.mfaAuthenticated === 'boolean' ? d.mfaAuthenticated : null,
  };
}

function who(row: AuditEventRecord): string {
  const assumer = assumerArn(row);
  if (assumer) return assumer;
  if (row.actorType === 'assumed-role') return `role session ${row.actorName ?? row.actorId ?? ''}`;
  if (row.actorType === 'root') return 'root user';
  if (row.actorType === 'user') return row.actorName ?? row.actorId ?? 'IAM user';
  if (row.actorType === 'cli') return row.actorName ?? 'command line';
  if (row.actorType === 'anonymous') return row.actorName ?? 'not signed in';
  return row.actorName ?? row.actorType;
}

/** What an `AuthorizeRequest` event says: the action, resource and the service that asked. */
interface ServiceDecision {
  action: string;
  resource: string;
  service: string;
  serviceArn: string;
}

function serviceDecisionOf(row: AuditEventRecord): ServiceDecision | null {
  if (row.eventName !== AUTHORIZE_EVENT) return null;
  const d = detailsOf(row);
  if (!d) return null;
  const field = (value: unknown) => (typeof value === 'string' ? value : '');
  return {
    action: field(d.action),
    resource: field(d.resource),
    service: field(d.service),
    serviceArn: field(d.serviceArn),
  };
}

function from(ip: string | null, userAgent: string | null): string {
  if (!ip && !userAgent) return '—';
  const browser = browserOf(userAgent);
  return [ip, browser].filter(Boolean).join(', ');
}

function eventTable(events: AuditEventRecord[]): SafeHtml {
  if (events.length === 0) return html`<p class="muted">No events.</p>`;
  return scrollingTable(
    'Events',
    html`<table class="events">
<thead><tr><th scope="col">Time (UTC)</th><th scope="col">Event</th><th scope="col">Outcome</th><th scope="col">By</th><th scope="col">On</th><th scope="col">From</th></tr></thead>
<tbody>${events.map(
      (e) =>
        html`<tr${e.outcome === 'Failure' ? html` class="failure"` : ''}><td>${e.time.replace('T', ' ').slice(0, 19)}</td><td>${e.eventName}${eventNote(e)}</td><td>${e.outcome ?? ''}${e.reason ? html` <span class="muted">(${e.reason})</span>` : ''}</td><td>${who(e)}</td><td>${e.targetName ?? ''}</td><td>${from(e.sourceIp, e.userAgent)}</td></tr>`,
    )}</tbody>
</table>`,
  );
}

/** An authorization decision's action, or a role session's name, source identity and MFA, in the general list. */
function eventNote(e: AuditEventRecord): SafeHtml | string {
  const decision = serviceDecisionOf(e);
  if (decision) return html` <span class="muted">${decision.action}</span>`;
  const session = roleSessionOf(e);
  if (!session) return '';
  const facts = [
    `session ${session.sessionName}`,
    ...(session.sourceIdentity !== null ? [`source identity ${session.sourceIdentity}`] : []),
    ...(session.mfa === null ? [] : [session.mfa ? 'with MFA' : 'without MFA']),
  ];
  return html` <span class="muted">${facts.join(', ')}</span>`;
}

/** Decisions made for services: who, action, resource, decision, and which service asked. */
function decisionTable(events: AuditEventRecord[]): SafeHtml {
  if (events.length === 0)
    return html`<p class="muted">No recorded decisions. Services record denials unless they ask otherwise.</p>`;
  return scrollingTable(
    'Decisions for services',
    html`<table class="events decisions">
<thead><tr><th scope="col">Time (UTC)</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Resource</th><th scope="col">Decision</th><th scope="col">Asked by</th><th scope="col">From</th></tr></thead>
<tbody>${events.map((e) => {
      const d = serviceDecisionOf(e);
      return html`<tr${e.outcome === 'Failure' ? html` class="failure"` : ''} data-decision="${e.outcome === 'Success' ? 'Allow' : 'Deny'}"><td>${e.time.replace('T', ' ').slice(0, 19)}</td><td>${who(e)}</td><td>${d?.action ?? ''}</td><td>${d?.resource ?? e.targetName ?? ''}</td><td>${e.outcome === 'Success' ? 'Allow' : 'Deny'}</td><td>${d?.service ?? ''}${d?.serviceArn ? html` <span class="muted">(${d.serviceArn})</span>` : ''}</td><td>${from(e.sourceIp, e.userAgent)}</td></tr>`;
    })}</tbody>
</table>`,
  );
}

/** The authorization API's per-minute counts, summed over the last hour and day. */
function decisionCountTable(counts: DecisionCount[]): SafeHtml {
  if (counts.length === 0) return html``;
  return html`<table class="list decision-counts">
  <caption>Decisions for services, counted</caption>
  <thead><tr><th scope="col">Service</th><th scope="col">Action</th><th scope="col">Allowed, last hour</th><th scope="col">Denied, last hour</th><th scope="col">Allowed, last day</th><th scope="col">Denied, last day</th></tr></thead>
  <tbody>${counts.map(
    (c) =>
      html`<tr><td>${c.serviceArn}</td><td>${c.action}</td><td>${c.allowedHour}</td><td>${c.deniedHour}</td><td>${c.allowedDay}</td><td>${c.deniedDay}</td></tr>`,
  )}</tbody>
</table>`;
}

/** The console-home notice after sign-in: failures since the last sign-in. */
export function failedSinceNotice(failed: FailedSince | null, csrf: string, now: Date): SafeHtml {
  if (!failed) return html``;
  const attempts = failed.count === 1 ? '1 failed sign-in attempt' : `${failed.count} failed sign-in attempts`;
  const source = [failed.lastIp, browserOf(failed.lastUserAgent)].filter(Boolean).join(', ');
  return html`<div class="alert alert-warning" role="status">
  <p><strong>${attempts} since your last sign-in</strong> (last from ${source || 'an unknown address'}, ${relativeTime(failed.lastTime, now)}).</p>
  <form method="post" action="/console/activity/acknowledge" class="inline">${csrfField(csrf)}<button type="submit">That was me</button></form>
  <a class="button" href="/console/security-credentials">Secure my account</a>
  <a href="/console/recent-activity">See recent activity</a>
</div>`;
}

/** What the console home shows after sign-in; `mfaHelp`: the open requests for MFA help, for those who see the account's users. */
export function consoleNoticesSection(notices: ConsoleNotices, mfaHelp: SafeHtml, csrf: string, now: Date): SafeHtml {
  return html`${failedSinceNotice(notices.failed, csrf, now)}${mfaHelp}${adminNoticesCard(notices.adminNotices)}`;
}

export function adminNoticesCard(notices: AdminNotice[]): SafeHtml {
  if (notices.length === 0) return html``;
  return html`<section class="card">
  <h2>Needs your attention</h2>
  <ul>${notices.map(
    (n) =>
      html`<li>${n.time.replace('T', ' ').slice(0, 16)} — ${n.text}${n.link ? html` <a href="${n.link.url}">${n.link.label}</a>` : ''}${
        n.causes && n.causes.length > 0
          ? html`<ol>${n.causes.map((c) => html`<li data-cause="${c.code}">${c.text} <a href="${c.url}">${c.fix}</a></li>`)}</ol>`
          : ''
      }</li>`,
  )}</ul>
</section>`;
}

export function recentActivityPage(principal: Principal, csrf: string, events: AuditEventRecord[]): string {
  return page({
    title: 'Recent activity',
    principal,
    csrf,
    body: html`<h1>Recent activity</h1>
<section class="card">
  <p>Your own sign-ins, failed attempts and credential changes, newest first. Something you do not recognise? <a href="/console/security-credentials">Change your password</a> and review your MFA devices.</p>
  ${eventTable(events)}
</section>`,
  });
}

export interface ActivityForm {
  user: string;
  event: string;
  /** `decisions`: only decisions made for services (AuthorizeRequest); empty for every event. */
  kind: string;
  outcome: string;
  from: string;
  to: string;
  ref: string;
  /** The page: events older than this `seq` (empty for the newest). */
  before: string;
}

export function activityPage(
  principal: Principal,
  csrf: string,
  form: ActivityForm,
  result: ActivityResult,
  references: ReferenceLookup[] | null,
  links: { exportUrl: string; olderUrl: string | null; newestUrl: string | null },
): string {
  return page({
    title: 'Activity',
    principal,
    csrf,
    body: html`<h1>Activity</h1>
<section class="card" aria-labelledby="reference-lookup">
  <h2 id="reference-lookup">Look up a support reference</h2>
  <form method="get" action="/console/activity"><label>Reference <input name="ref" value="${form.ref}" placeholder="7KQ-3MX"></label> <button type="submit">Look up</button></form>
  ${
    references === null
      ? ''
      : references.length === 0
        ? html`<p class="alert alert-warning" role="status">No failed attempt of this account has that reference (references are kept 30 days).</p>`
        : html`<div class="alert alert-success reference-result" role="status"><ul>${references.map((r) => html`<li>Ref ${r.reference}: ${r.time.replace('T', ' ').slice(0, 19)} UTC — ${referenceSubject(r)} failed: <strong>${r.reason}</strong>, from ${from(r.sourceIp, r.userAgent)}</li>`)}</ul></div>`
  }
</section>
<section class="card">
  <form method="get" action="/console/activity" class="filters">
    <label>User <input name="user" value="${form.user}" placeholder="root or a user name"></label>
    <label>Event <input name="event" value="${form.event}" placeholder="ConsoleLogin"></label>
    <label>Show <select name="kind"><option value="">every event</option><option value="decisions"${form.kind === 'decisions' ? html` selected` : ''}>decisions for services</option></select></label>
    <label>Outcome <select name="outcome"><option value="">any</option><option value="Success"${form.outcome === 'Success' ? html` selected` : ''}>Success</option><option value="Failure"${form.outcome === 'Failure' ? html` selected` : ''}>Failure</option></select></label>
    <label>From <input name="from" type="date" value="${form.from}"></label>
    <label>To <input name="to" type="date" value="${form.to}"></label>
    <button type="submit">Filter</button>
  </form>
  ${result.unknownUser ? html`<p class="error">There is no user ${form.user} in this account.</p>` : ''}
  ${signInChart(result.buckets)}
  ${decisionCountTable(result.decisionCounts)}
  <p><a href="${links.exportUrl}">Export these events as JSON lines (CloudTrail records)</a></p>
  ${form.kind === 'decisions' ? decisionTable(result.events) : eventTable(result.events)}
  ${
    links.olderUrl || links.newestUrl
      ? html`<p class="pager">${links.newestUrl ? html`<a href="${links.newestUrl}">Newest events</a>` : ''} ${links.olderUrl ? html`<a href="${links.olderUrl}" rel="next">Older events</a>` : ''}</p>`
      : ''
  }
</section>`,
  });
}

/** "root sign-in as root", "unlock link for root"… */
function referenceSubject(r: ReferenceLookup): string {
  const who = r.principalName ?? r.targetName ?? '(unknown user name)';
  return `${FLOW_LABELS[r.flow] ?? r.flow} ${r.flow.startsWith('signin-') ? 'as' : 'for'} ${who}`;
}

function when(iso: string | null): string {
  return iso ? `${iso.replace('T', ' ').slice(0, 16)} UTC` : 'never';
}

export function healthPage(principal: Principal, csrf: string, h: SignInHealth): string {
  return page({
    title: `Sign-in health: ${h.userName}`,
    principal,
    csrf,
    body: html`<h1>Sign-in health: ${h.userName}</h1>
<section class="card">
  <dl class="facts">
    <dt>Last successful sign-in</dt><dd>${h.lastSuccess ? `${when(h.lastSuccess.time)} from ${from(h.lastSuccess.ip, h.lastSuccess.userAgent)}` : 'never'}</dd>
    <dt>Console password</dt><dd>${h.password.enabled ? `set ${when(h.password.changedAt)}${h.password.resetRequired ? '; must be changed at next sign-in' : ''}` : 'none'}</dd>
    <dt>Password expiry</dt><dd>${h.password.expiresAt ? `${h.password.expired ? 'expired' : 'expires'} ${when(h.password.expiresAt)}` : 'does not expire'}</dd>
    <dt>MFA</dt><dd>${
      h.mfa.filter((d) => d.enabledAt).length
        ? h.mfa
            .filter((d) => d.enabledAt)
            .map((d) => `${d.name} (${d.kind}, last used ${when(d.lastUsedAt)})`)
            .join('; ')
        : 'no MFA device'
    }</dd>
    <dt>Access keys</dt><dd>${h.accessKeys.length ? h.accessKeys.map((k) => `${k.id} ${k.status}, created ${when(k.createdAt)}, last used ${when(k.lastUsedAt)}${k.lastUsedService ? ` (${k.lastUsedService})` : ''}`).join('; ') : 'none'}</dd>
  </dl>
  <h2>Failures since the last successful sign-in</h2>
  ${
    h.recentFailures.length
      ? html`<ul>${h.recentFailures.map((f) => html`<li>${when(f.time)}: ${f.reason ?? 'Failure'} from ${from(f.ip, f.userAgent)}</li>`)}</ul>`
      : html`<p class="muted">None.</p>`
  }
  <p class="links"><a href="/console/users/${h.userName}">Manage ${h.userName}</a> · <a href="/console/activity?user=${h.userName}">All activity of ${h.userName}</a></p>
</section>`,
  });
}
