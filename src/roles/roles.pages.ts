import { attachedPoliciesTable } from '../policies/policy-holder.pages.ts';
import { type SafeHtml, html } from '../shared/html.ts';
import { arnText, breadcrumbs, pager, timeAgo } from '../web/fragments.ts';
import { alertBox, csrfField, page } from '../web/layout.ts';
import type { ConsolePrincipal } from '../web/web-context.ts';
import { ROLE_ATTACHMENT_QUOTA, type Role, type RolePageView, type RolesListView } from './role-console.service.ts';

/**
 * The console's Roles list and a role's page. Each takes what its route loaded, with the
 * forms to offer already decided; none reads anything itself.
 */

interface Frame {
  principal: ConsolePrincipal;
  csrf: string;
}

export const roleHref = (name: string) => `/console/roles/${encodeURIComponent(name)}`;

export const ROLE_NOTICES = {
  created: 'The role was created.',
  deleted: 'The role was deleted.',
  updated: 'The role’s settings were saved.',
  attached: 'The policy was attached to the role.',
  detached: 'The policy was detached from the role.',
  'inline-saved': 'The inline policy was saved.',
  'inline-deleted': 'The inline policy was deleted.',
  'trust-saved': 'The trust policy was saved: it decides who may assume the role from now on.',
  revoked:
    'Sessions issued before now are refused from now on: the AWSRevokeOlderSessions inline policy denies them everything. New sessions work as before.',
} as const satisfies Record<string, string>;

/** The maximum session durations the console offers (seconds), as the AWS console does; any other stored value is offered too. */
export const SESSION_DURATIONS = [3600, 7200, 14400, 28800, 43200] as const;

export function durationText(seconds: number): string {
  if (seconds % 3600 === 0) return seconds === 3600 ? '1 hour' : `${seconds / 3600} hours`;
  const minutes = Math.round(seconds / 60);
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

function lastUsed(role: Role, now: Date): SafeHtml {
  if (!role.lastUsedAt) return html`<span class="muted">Never</span>`;
  return html`${timeAgo(role.lastUsedAt, now)}${role.lastUsedRegion ? html` <span class="muted">(${role.lastUsedRegion})</span>` : ''}`;
}

export function rolesListPage(frame: Frame & { view: RolesListView; now: Date; notice?: string | undefined }): string {
  const { view, now } = frame;
  const searching = view.search !== '';
  return page({
    title: 'Roles',
    principal: frame.principal,
    csrf: frame.csrf,
    body: html`<h1>Roles</h1>
${alertBox(frame.notice, 'success')}
<section class="card" aria-labelledby="roles-heading">
  <h2 id="roles-heading">Roles in this account</h2>
  <p class="muted">A role has permissions but no password or keys: people and programs its trust policy allows assume it and get temporary credentials.</p>
  ${view.mayCreate ? html`<p><a class="button" href="/console/roles/new">Create role</a></p>` : ''}
  <form method="get" role="search" class="search-row">
    <div class="field">
      <label for="f-search">Find roles by name</label>
      <input id="f-search" name="search" type="search" value="${view.search}" spellcheck="false" autocapitalize="none">
    </div>
    <button type="submit" class="secondary">Search</button>
    ${searching ? html`<a href="/console/roles">Show all roles</a>` : ''}
  </form>
  ${
    view.total === 0
      ? html`<p class="muted">${searching ? `No role name contains “${view.search}”.` : 'No roles yet.'}</p>`
      : html`<p class="muted">${view.total} ${view.total === 1 ? 'role' : 'roles'}${searching ? ` match “${view.search}”` : ''}.</p>
  <div class="table-scroll"><table>
    <caption class="visually-hidden">Roles${view.pages > 1 ? `, page ${view.page} of ${view.pages}` : ''}</caption>
    <thead><tr><th scope="col">Role name</th><th scope="col">Trusted entities</th><th scope="col">Last used</th></tr></thead>
    <tbody>${view.rows.map(
      (r) =>
        html`<tr><td><a href="${roleHref(r.role.name)}">${r.role.name}</a>${r.role.path === '/' ? '' : html` <span class="muted">${r.role.path}</span>`}${r.role.description ? html`<br><span class="muted small">${r.role.description}</span>` : ''}</td><td>${r.trustedEntities.length === 0 ? html`<span class="muted">Nobody</span>` : r.trustedEntities.join(', ')}</td><td>${lastUsed(r.role, now)}</td></tr>`,
    )}</tbody>
  </table></div>
  ${pager({ base: '/console/roles', query: searching ? { search: view.search } : {}, page: view.page, pages: view.pages, total: view.total, noun: 'roles' })}`
  }
</section>`,
  });
}

export type RolePageErrors = Partial<
  Record<'policies' | 'settings' | 'maxSessionDuration' | 'description' | 'sessions', string>
>;

export function rolePage(
  frame: Frame & {
    view: RolePageView;
    now: Date;
    /** The settings form as typed, when it comes back with an error. */
    settings?: { maxSessionDuration: string; description: string };
    errors?: RolePageErrors;
    notice?: string | undefined;
  },
): string {
  const { view, csrf, now } = frame;
  const { role } = view;
  const errors = frame.errors ?? {};
  const base = roleHref(role.name);
  return page({
    title: `Role ${role.name}`,
    principal: frame.principal,
    csrf,
    body: html`${breadcrumbs([{ href: '/console/roles', label: 'Roles' }])}
<h1>Role ${role.name}</h1>
${alertBox(frame.notice, 'success')}
<section class="card" aria-labelledby="summary-heading">
  <h2 id="summary-heading">Summary</h2>
  <dl class="facts">
    <dt>ARN</dt><dd>${arnText(role.arn)}</dd>
    <dt>Role ID</dt><dd>${role.id}</dd>
    <dt>Path</dt><dd>${role.path}</dd>
    <dt>Description</dt><dd>${role.description ?? html`<span class="muted">None</span>`}</dd>
    <dt>Maximum session duration</dt><dd>${durationText(role.maxSessionDuration)}</dd>
    <dt>Last used</dt><dd>${lastUsed(role, now)}</dd>
    <dt>Created</dt><dd>${timeAgo(role.createdAt, now)}</dd>
    ${role.permissionsBoundary ? html`<dt>Permissions boundary</dt><dd>${arnText(role.permissionsBoundary)}</dd>` : ''}
  </dl>
  ${view.mayUpdate ? settingsForm(role, base, csrf, frame.settings, errors) : ''}
</section>
<section class="card" id="permissions" aria-labelledby="permissions-heading">
  <h2 id="permissions-heading">Permissions</h2>
  <p class="muted">Whoever assumes the role may do what these policies allow${role.permissionsBoundary ? ', within its permissions boundary' : ''}, and no more; an explicit Deny in any of them wins.</p>
  ${alertBox(errors.policies)}
  <h3>Managed policies${view.attached ? ` (${view.attached.length} of ${ROLE_ATTACHMENT_QUOTA})` : ''}</h3>
  ${attachedPolicies(view, base)}
  <h3>Inline policies${view.inline ? ` (${view.inline.length})` : ''}</h3>
  ${inlinePolicies(view, base)}
</section>
<section class="card" id="trust" aria-labelledby="trust-heading">
  <h2 id="trust-heading">Trust relationships</h2>
  <p class="muted">Who may assume the role, and when. A principal deleted since the policy was saved shows as its unique ID: it is no longer trusted, even if one of the same name is created.</p>
  ${view.trustLines.length === 0 ? html`<p>The trust policy has no statements: nobody may assume the role.</p>` : html`<ul class="trust-summary">${view.trustLines.map((line) => html`<li>${line}.</li>`)}</ul>`}
  <details>
    <summary>Trust policy (JSON)</summary>
    <pre class="policy-document" tabindex="0" aria-label="Trust policy">${view.trustJson}</pre>
  </details>
  ${view.mayUpdateTrust ? html`<p><a class="button secondary" href="${base}/trust-policy">Edit trust policy</a></p>` : ''}
</section>
${view.mayRevokeSessions ? revokeCard(role, base, errors) : ''}
${
  view.mayDelete
    ? html`<section class="card" aria-labelledby="delete-heading">
  <h2 id="delete-heading">Delete role</h2>
  <p>Its managed policies are detached and its inline policies deleted with it, and its sessions stop working at once.</p>
  <p><a class="button danger" href="${base}/delete">Delete role ${role.name}</a></p>
</section>`
    : ''
}`,
  });
}

function settingsForm(
  role: Role,
  base: string,
  csrf: string,
  typed: { maxSessionDuration: string; description: string } | undefined,
  errors: RolePageErrors,
): SafeHtml {
  const chosen = typed?.maxSessionDuration ?? String(role.maxSessionDuration);
  const durations: number[] = [...SESSION_DURATIONS];
  if (!durations.includes(role.maxSessionDuration)) durations.push(role.maxSessionDuration);
  durations.sort((a, b) => a - b);
  const descriptionError = errors.description;
  return html`<h3>Edit</h3>
  ${alertBox(errors.settings)}
  <form method="post" action="${base}/settings" novalidate>
    ${csrfField(csrf)}
    <div class="field${errors.maxSessionDuration ? ' has-error' : ''}">
      <label for="f-maxSessionDuration">Maximum session duration</label>
      <p class="hint" id="f-maxSessionDuration-hint">How long credentials from AssumeRole may last at most (1 to 12 hours). A console that switches to the role gets an hour.</p>
      ${errors.maxSessionDuration ? html`<p class="error" id="f-maxSessionDuration-error">${errors.maxSessionDuration}</p>` : ''}
      <select id="f-maxSessionDuration" name="maxSessionDuration" aria-describedby="f-maxSessionDuration-hint">${durations.map(
        (d) =>
          html`<option value="${String(d)}"${String(d) === chosen ? html` selected` : ''}>${durationText(d)}</option>`,
      )}</select>
    </div>
    <div class="field${descriptionError ? ' has-error' : ''}">
      <label for="f-description">Description</label>
      <p class="hint" id="f-description-hint">Optional, up to 1,000 characters.</p>
      ${descriptionError ? html`<p class="error" id="f-description-error">${descriptionError}</p>` : ''}
      <textarea id="f-description" name="description" rows="2" aria-describedby="f-description-hint${descriptionError ? ' f-description-error' : ''}"${descriptionError ? html` aria-invalid="true"` : ''}>${typed?.description ?? role.description ?? ''}</textarea>
    </div>
    <button type="submit" class="secondary">Save settings</button>
  </form>`;
}

function attachedPolicies(view: RolePageView, base: string): SafeHtml {
  if (!view.attached)
    return html`<p class="muted">Not shown: you do not have iam:ListAttachedRolePolicies on this role.</p>`;
  const attach = view.mayAttach
    ? html`<p><a class="button" href="${base}/attach-policies">Attach policies</a></p>`
    : '';
  if (view.attached.length === 0) return html`<p class="muted">No managed policies attached.</p>${attach}`;
  return html`${attachedPoliciesTable(view.attached, base, 'Managed policies attached to the role')}${attach}`;
}

function inlinePolicies(view: RolePageView, base: string): SafeHtml {
  const add = view.mayAddInline
    ? html`<p><a class="button" href="${base}/inline-policies/new">Add inline policy</a></p>`
    : '';
  if (!view.inline)
    return html`<p class="muted">Not shown: you do not have iam:ListRolePolicies on this role.</p>${add}`;
  if (view.inline.length === 0) return html`<p class="muted">No inline policies.</p>${add}`;
  return html`<ul class="plain-list">${view.inline.map(
    (name) =>
      html`<li>${view.mayReadInline ? html`<a href="${base}/inline-policies/${encodeURIComponent(name)}">${name}</a>` : name}</li>`,
  )}</ul>${add}`;
}

function revokeCard(role: Role, base: string, errors: RolePageErrors): SafeHtml {
  return html`<section class="card" id="sessions" aria-labelledby="sessions-heading">
  <h2 id="sessions-heading">Revoke active sessions</h2>
  ${alertBox(errors.sessions)}
  <p>Refuses every session of ${role.name} issued before now, whoever holds its temporary credentials, as the AWS console does: an inline policy (AWSRevokeOlderSessions) denies everything to sessions older than this moment. Whoever may still assume the role can get new credentials.</p>
  <p><a class="button danger" href="${base}/revoke-sessions">Revoke active sessions</a></p>
</section>`;
}

export type TrustPolicyErrors = Partial<Record<'policyDocument' | 'form', string>>;

/** Editing a role's trust policy (UpdateAssumeRolePolicy): the policy as GetRole shows it, in a JSON text area. */
export function trustPolicyPage(frame: Frame & { role: Role; document: string; errors?: TrustPolicyErrors }): string {
  const { role, csrf } = frame;
  const errors = frame.errors ?? {};
  const base = roleHref(role.name);
  const error = errors.policyDocument;
  const described = error ? 'f-policyDocument-hint f-policyDocument-error' : 'f-policyDocument-hint';
  return page({
    title: `Trust policy of ${role.name}`,
    principal: frame.principal,
    csrf,
    body: html`${breadcrumbs([
      { href: '/console/roles', label: 'Roles' },
      { href: base, label: role.name },
    ])}
<h1>Trust policy of ${role.name}</h1>
<section class="card">
  <p class="muted">Who may assume the role from now on; sessions already issued keep working until they expire (revoke them on the role's page).</p>
  ${alertBox(errors.form)}
  <form method="post" action="${base}/trust-policy" novalidate>
    ${csrfField(csrf)}
    <div class="field${error ? ' has-error' : ''}">
      <label for="f-policyDocument">Trust policy (JSON)</label>
      <p class="hint" id="f-policyDocument-hint">Checked as UpdateAssumeRolePolicy checks it: the trust policy grammar, at most 2,048 characters (not counting white space), and users and roles of this Gatehouse that exist. A deleted principal shows as its unique ID: remove it, or name the principal again to trust it.</p>
      ${error ? html`<p class="error" id="f-policyDocument-error">${error}</p>` : ''}
      <textarea id="f-policyDocument" name="policyDocument" class="policy-document" rows="16" spellcheck="false" autocapitalize="none" aria-describedby="${described}"${error ? html` aria-invalid="true"` : ''}>${frame.document}</textarea>
    </div>
    <button type="submit">Save trust policy</button>
    <a href="${base}#trust" class="cancel">Cancel</a>
  </form>
</section>`,
  });
}
