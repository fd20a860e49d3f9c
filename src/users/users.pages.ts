import { userAccessKeysCard } from '../access-keys/access-key.pages.ts';
import { MFA_NOTICES } from '../mfa/mfa-console.pages.ts';
import { adminMfaSection } from '../mfa/mfa.pages.ts';
import { policyUrl } from '../policies/policies.pages.ts';
import { attachedPoliciesTable } from '../policies/policy-holder.pages.ts';
import { type SafeHtml, html } from '../shared/html.ts';
import { UNLOCK_NOTICE, adminUserSignInSection } from '../throttle/throttle-console.pages.ts';
import {
  arnText,
  breadcrumbs,
  copyScript,
  copyable,
  nameText,
  pager,
  screenReaderText,
  timeAgo,
} from '../web/fragments.ts';
import { alertBox, checkbox, csrfField, field, page, relativeTime } from '../web/layout.ts';
import type { ConsolePrincipal } from '../web/web-context.ts';
import type { EffectivePermissions } from './effective-permissions.service.ts';
import {
  USER_ATTACHMENT_QUOTA,
  type NewUserView,
  type UserDependents,
  type UserListRow,
  type UserView,
  type UsersListView,
} from './user-console.service.ts';

/**
 * The console's Users pages: the list, creating a user and its one-time sign-in details,
 * and a user's page with its sections. Each takes what its route loaded, with the forms to
 * offer already decided; none reads anything itself.
 */

interface Frame {
  principal: ConsolePrincipal;
  csrf: string;
}

const enc = encodeURIComponent;

export const userHref = (name: string) => `/console/users/${enc(name)}`;
/** The Groups pages' address of a group. */
export const groupHref = (name: string) => `/console/groups/${enc(name)}`;

/** The notices a Users page shows after a change (`?done=…`). */
export const USER_NOTICES: Record<string, string> = {
  created: 'The user was created.',
  deleted: 'The user was deleted.',
  'password-set': "The user's password was set. The user's sessions were signed out.",
  attached: 'The policy was attached to the user.',
  detached: 'The policy was detached from the user.',
  'inline-saved': 'The inline policy was saved.',
  'inline-deleted': 'The inline policy was deleted.',
  'boundary-set': 'The permissions boundary was set.',
  'boundary-removed': 'The permissions boundary was removed: the user’s policies apply in full.',
  'group-added': 'The user was added to the group.',
  'group-removed': 'The user was removed from the group.',
  tagged: 'The tag was saved.',
  untagged: 'The tag was removed.',
  'mfa-deactivated': MFA_NOTICES['mfa-deactivated']!,
  'mfa-help-resolved': MFA_NOTICES['mfa-help-resolved']!,
  'mfa-help-dismissed': MFA_NOTICES['mfa-help-dismissed']!,
  ...UNLOCK_NOTICE,
};

const USERS_CRUMB = { href: '/console/users', label: 'Users' };

export const NAME_HINT =
  'Up to 64 letters, digits and + = , . @ _ - (no spaces). Names are unique in the account, ignoring case.';

// The list

function keysCell(keys: UserListRow['keys'], now: Date): SafeHtml {
  if (keys.count === 0) return html`None`;
  return html`${keys.count} · oldest created ${relativeTime(keys.oldestCreatedAt!, now)}${keys.inactive > 0 ? html` · <strong>${keys.inactive} inactive</strong>` : ''}`;
}

function activityCell(activity: UserListRow['lastActivity'], now: Date): SafeHtml {
  if (!activity) return html`<span class="muted">Never</span>`;
  return html`${activity.kind === 'sign-in' ? 'Console sign-in' : 'Access key used'} ${timeAgo(activity.at, now)}`;
}

export function usersListPage(
  frame: Frame & {
    view: UsersListView;
    /** The create form, when it is offered. */
    create: NewUserView | null;
    values: CreateUserValues;
    errors: CreateUserErrors;
    now: Date;
    /** The "asked for a reset" and "asked for MFA help" notices, as their features render them. */
    requests: SafeHtml;
    notice?: string | undefined;
  },
): string {
  const { view, now } = frame;
  const searching = view.search !== '';
  const refused = Object.keys(frame.errors).length > 0;
  return page({
    title: 'Users',
    principal: frame.principal,
    csrf: frame.csrf,
    body: html`<h1>Users</h1>
${alertBox(frame.notice, 'success')}
${frame.requests}
<section class="card" aria-labelledby="users-heading">
  <h2 id="users-heading">Users in this account</h2>
  ${frame.create ? html`<p><a class="button" href="#create-user">Create user</a></p>` : ''}
  <form method="get" role="search" class="search-row">
    <div class="field">
      <label for="f-search">Find users by name</label>
      <input id="f-search" name="search" type="search" value="${view.search}" spellcheck="false" autocapitalize="none">
    </div>
    <button type="submit" class="secondary">Search</button>
    ${searching ? html`<a href="/console/users">Show all users</a>` : ''}
  </form>
  ${
    view.total === 0
      ? html`<p class="muted">${searching ? `No user name contains “${view.search}”.` : 'No users yet.'}</p>`
      : html`<p class="muted">${searching ? `${view.total} ${view.total === 1 ? 'user matches' : 'users match'} “${view.search}”.` : `${view.total} ${view.total === 1 ? 'user' : 'users'}.`}</p>
  <div class="table-scroll"><table class="users-table">
    <caption class="visually-hidden">Users${view.pages > 1 ? `, page ${view.page} of ${view.pages}` : ''}</caption>
    <thead><tr><th scope="col">User name</th><th scope="col">Console password</th><th scope="col">MFA</th><th scope="col">Access keys</th><th scope="col">Last activity</th><th scope="col">Created</th></tr></thead>
    <tbody>${view.rows.map(
      (r) =>
        html`<tr><td><a href="${userHref(r.user.name)}">${r.user.name}</a></td><td>${r.hasPassword ? 'Yes' : 'No'}</td><td>${r.mfaDevices > 0 ? `On (${r.mfaDevices})` : 'Off'}</td><td>${keysCell(r.keys, now)}</td><td>${activityCell(r.lastActivity, now)}</td><td>${timeAgo(r.user.createdAt, now)}</td></tr>`,
    )}</tbody>
  </table></div>
  ${pager({ base: '/console/users', query: searching ? { search: view.search } : {}, page: view.page, pages: view.pages, total: view.total, noun: 'users' })}`
  }
</section>
${frame.create ? createUserCard(frame.create, frame.csrf, frame.values, frame.errors, refused) : ''}`,
  });
}

// Creating a user

export type CreateUserErrors = Partial<Record<'userName' | 'password' | 'form', string>>;

export interface CreateUserValues {
  userName?: string;
  consoleAccess?: string;
  requireReset?: boolean;
}

function radio(o: { name: string; value: string; label: string; hint?: string; checked: boolean }): SafeHtml {
  const id = `f-${o.name}-${o.value}`;
  return html`<div class="field checkbox">
    <input id="${id}" name="${o.name}" type="radio" value="${o.value}"${o.checked ? html` checked` : ''}${o.hint ? html` aria-describedby="${id}-hint"` : ''}>
    <label for="${id}">${o.label}</label>
    ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}
  </div>`;
}

function createUserCard(
  view: NewUserView,
  csrf: string,
  values: CreateUserValues,
  errors: CreateUserErrors,
  refused: boolean,
): SafeHtml {
  const access = values.consoleAccess ?? (view.mayGivePassword ? 'generated' : 'none');
  return html`<section class="card" id="create-user" aria-labelledby="create-heading">
  <h2 id="create-heading">Create a user</h2>
  ${alertBox(errors.form)}
  <form method="post" action="/console/users" novalidate>
    ${csrfField(csrf)}
    ${field({ label: 'User name', name: 'userName', value: values.userName, error: errors.userName, hint: NAME_HINT, autofocus: refused && !errors.password })}
    ${
      view.mayGivePassword
        ? html`<fieldset class="choices-list">
      <legend>Console access</legend>
      <p class="hint">IAM users sign in at <code>${view.signInUrl}</code>.</p>
      ${radio({ name: 'consoleAccess', value: 'generated', label: 'Generate a password', hint: 'Shown once on the next page, to hand over with the sign-in address.', checked: access === 'generated' })}
      ${radio({ name: 'consoleAccess', value: 'custom', label: 'Type a password', checked: access === 'custom' })}
      ${field({ label: 'Custom password', name: 'password', type: 'password', autocomplete: 'new-password', required: false, error: errors.password, hint: `Only with “Type a password”. ${view.passwordRules}` })}
      ${radio({ name: 'consoleAccess', value: 'none', label: 'No console access', hint: 'For programs: give the user access keys on its page.', checked: access === 'none' })}
      ${checkbox({ label: 'User must create a new password at next sign-in', name: 'requireReset', checked: values.requireReset ?? true, hint: 'Recommended: then only the user knows the password.' })}
    </fieldset>`
        : html`<input type="hidden" name="consoleAccess" value="none">
    <p class="muted">You may create users without console access only (you do not have iam:CreateLoginProfile).</p>`
    }
    <button type="submit">Create user</button>
  </form>
</section>`;
}

/** What the sign-in details page shows; the password only on the one visit that carries it. */
export interface SignInDetails {
  userName: string;
  signInUrl: string;
  accountRef: string;
  /** Null after the one-time visit, or for a user created without console access. */
  password: string | null;
  /** Whether the user has a console password at all. */
  hasPassword: boolean;
  passwordResetRequired: boolean;
  contactEmail: string | null;
}

/** A `mailto:` link with the sign-in address and user name, never the password. */
export function instructionsMailto(d: SignInDetails): string {
  const body = [
    'Hello,',
    '',
    `You have a user in the Gatehouse account ${d.accountRef}.`,
    '',
    `Sign-in URL: ${d.signInUrl}`,
    `User name: ${d.userName}`,
    '',
    'Your administrator gives you your password separately.',
    ...(d.passwordResetRequired ? ['You will be asked to choose a new password when you first sign in.'] : []),
  ].join('\r\n');
  const to = d.contactEmail ? enc(d.contactEmail) : '';
  return `mailto:${to}?subject=${enc('Your Gatehouse sign-in details')}&body=${enc(body)}`;
}

export function signInDetailsPage(frame: Frame & { details: SignInDetails; created: boolean }): string {
  const d = frame.details;
  const base = userHref(d.userName);
  return page({
    title: `Sign-in details for ${d.userName}`,
    principal: frame.principal,
    csrf: frame.csrf,
    body: html`${breadcrumbs([USERS_CRUMB, { href: base, label: d.userName }])}
<h1>Sign-in details for ${d.userName}</h1>
${frame.created ? alertBox('The user was created.', 'success') : ''}
${
  d.password
    ? alertBox(
        'This is the only time the password can be seen or downloaded. Hand it over now, by a different way than the sign-in address; if it is lost, reset the console password on the user’s page.',
        'warning',
      )
    : d.hasPassword
      ? html`<div class="alert alert-warning" role="status">The password was shown once and is not shown again. If it was not handed over, <a href="${base}#security-credentials">reset the console password</a>.</div>`
      : html`<div class="alert alert-warning" role="status">${d.userName} has no console password: <a href="${base}#security-credentials">set one</a> before handing over these details.</div>`
}
<section class="card" aria-labelledby="details-heading">
  <h2 id="details-heading">Console sign-in details</h2>
  <dl class="facts details">
    <dt>Console sign-in URL</dt><dd>${copyable({ value: d.signInUrl, label: 'sign-in URL' })}</dd>
    <dt>User name</dt><dd>${copyable({ value: d.userName, label: 'user name' })}</dd>
    ${
      d.password
        ? html`<dt>Console password</dt><dd><details><summary>Show password</summary>${copyable({ value: d.password, label: 'password' })}</details></dd>`
        : ''
    }
    <dt>New password at first sign-in</dt><dd>${d.passwordResetRequired ? 'Required' : 'Not required'}</dd>
  </dl>
  <div class="button-row">
    ${
      d.password
        ? html`<form method="post" action="${base}/sign-in-details.csv" class="inline-form">${csrfField(frame.csrf)}<button type="submit" class="secondary">Download .csv</button></form>`
        : ''
    }
    <a class="button secondary" href="${instructionsMailto(d)}">Email these instructions</a>
  </div>
  <p class="hint">The email holds the sign-in address and user name only, never the password.</p>
</section>
<p><a class="button" href="${base}#permissions">Give ${d.userName} permissions</a> <a href="/console/users" class="cancel">Back to users</a></p>
${copyScript()}`,
  });
}

// A user's page

export type UserPageErrors = Partial<
  Record<'password' | 'permissions' | 'groups' | 'tags' | 'tagKey' | 'tagValue', string>
>;

const SECTIONS = [
  ['permissions', 'Permissions'],
  ['groups', 'Groups'],
  ['security-credentials', 'Security credentials'],
  ['tags', 'Tags'],
  ['access', 'Access'],
] as const;

function notListed(action: string): SafeHtml {
  return html`<p class="muted">Not shown: you do not have ${action} on this user.</p>`;
}

function effectiveSummary(view: UserView): SafeHtml {
  const e: EffectivePermissions | null = view.effective;
  if (!e) return notListed('iam:SimulatePrincipalPolicy');
  const lines = e.services.map((s) => {
    const total = s.everywhere.length + s.someResources.length;
    const parts: string[] = [];
    if (s.catalogued !== null) {
      parts.push(
        total === s.catalogued && s.someResources.length === 0
          ? 'every action'
          : `${total} of ${s.catalogued} actions${s.someResources.length > 0 ? ` (${s.someResources.length} only on some resources)` : ''}`,
      );
    } else {
      if (s.everywhere.length > 0) parts.push(s.everywhere.join(', '));
      if (s.someResources.length > 0) parts.push(`on some resources: ${s.someResources.join(', ')}`);
    }
    if (s.conditional.length > 0) parts.push(`${s.conditional.length} more only under conditions`);
    return html`<li><strong>${s.service}</strong>: ${parts.join('; ')}</li>`;
  });
  return html`<p>${
    e.administrator
      ? html`<strong>Administrator:</strong> may do every IAM and STS action on every resource.`
      : 'Not an administrator.'
  }${e.boundary ? html` Capped by the permissions boundary ${nameText(e.boundary.slice(e.boundary.lastIndexOf('/') + 1))}.` : ''}</p>
  ${
    e.services.length === 0 && !e.anyService
      ? html`<p>Its policies allow nothing yet: attach a policy or add the user to a group.</p>`
      : html`<ul class="plain-list">${lines}${e.anyService ? html`<li><strong>Any other service</strong>: allowed by a statement for every action (<code>"*"</code> or NotAction)</li>` : ''}</ul>`
  }
  <p class="hint">Decided by the policy engine from all of the user’s policies, its groups’ and its boundary. <a href="/console/policy-simulator">Simulate a request</a> for one action on one resource.</p>`;
}

function attachedPolicies(view: UserView, base: string): SafeHtml {
  if (!view.attached) return notListed('iam:ListAttachedUserPolicies');
  const attach = view.mayAttach
    ? html`<p><a class="button" href="${base}/attach-policies">Attach policies</a></p>`
    : '';
  const full =
    view.attached.length >= USER_ATTACHMENT_QUOTA
      ? html`<p class="muted">The user has the most managed policies AWS allows (${USER_ATTACHMENT_QUOTA}): detach one to attach another, or use a group.</p>`
      : '';
  if (view.attached.length === 0) return html`<p class="muted">No managed policies attached.</p>${attach}`;
  return html`${attachedPoliciesTable(view.attached, base, 'Managed policies attached to the user')}${full}${attach}`;
}

function inlinePolicies(view: UserView, base: string): SafeHtml {
  const add = view.may.addInline
    ? html`<p><a class="button" href="${base}/inline-policies/new">Add inline policy</a></p>`
    : '';
  if (!view.inline) return html`${notListed('iam:ListUserPolicies')}${add}`;
  if (view.inline.length === 0) return html`<p class="muted">No inline policies.</p>${add}`;
  return html`<ul class="plain-list">${view.inline.map(
    (name) =>
      html`<li>${view.may.readInline ? html`<a href="${base}/inline-policies/${enc(name)}">${name}</a>` : name}${
        view.may.deleteInline
          ? html` · <a href="${base}/inline-policies/${enc(name)}/delete">Delete${screenReaderText(` ${name}`)}</a>`
          : ''
      }</li>`,
  )}</ul>${add}`;
}

function boundarySection(view: UserView, base: string): SafeHtml {
  const arn = view.user.permissionsBoundary;
  return html`${
    arn
      ? html`<p>Set to <a href="${policyUrl(arn)}">${nameText(arn.slice(arn.lastIndexOf('/') + 1))}</a>: the user may do only what both its policies and this policy allow.</p>`
      : html`<p class="muted">None: the user’s policies apply in full.</p>`
  }
  <p>${view.may.setBoundary ? html`<a class="button secondary" href="${base}/permissions-boundary">${arn ? 'Change boundary' : 'Set boundary'}</a>` : ''}
  ${view.may.removeBoundary ? html`<a href="${base}/permissions-boundary/delete" class="cancel">Remove boundary</a>` : ''}</p>`;
}

function groupsSection(view: UserView, base: string, csrf: string, error: string | undefined): SafeHtml {
  if (!view.groups) return notListed('iam:ListGroupsForUser');
  const removeAny = view.groups.some((g) => g.mayRemove);
  return html`${alertBox(error)}
  ${
    view.groups.length === 0
      ? html`<p class="muted">Not in any group.</p>`
      : html`<div class="table-scroll"><table>
    <caption class="visually-hidden">Groups of the user</caption>
    <thead><tr><th scope="col">Group name</th><th scope="col">Path</th>${removeAny ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : ''}</tr></thead>
    <tbody>${view.groups.map(
      ({ group, mayRemove }) =>
        html`<tr><td><a href="${groupHref(group.name)}">${group.name}</a></td><td>${group.path}</td>${
          removeAny
            ? html`<td class="row-action">${mayRemove ? html`<a href="${base}/groups/remove?groupName=${enc(group.name)}">Remove${screenReaderText(` from ${group.name}`)}</a>` : ''}</td>`
            : ''
        }</tr>`,
    )}</tbody>
  </table></div>`
  }
  ${view.may.addToGroup ? addToGroupForm(view, base, csrf) : ''}
  ${view.noOtherGroup ? html`<p class="muted">There is no other group to add the user to. <a href="/console/groups">Groups</a> are made on their own page.</p>` : ''}`;
}

function addToGroupForm(view: UserView, base: string, csrf: string): SafeHtml {
  return html`<form method="post" action="${base}/groups" class="add-row" novalidate>
    ${csrfField(csrf)}
    ${
      view.addableGroups
        ? html`<div class="field">
      <label for="f-groupName">Group to add the user to</label>
      <select id="f-groupName" name="groupName">${view.addableGroups.map((g) => html`<option value="${g.name}">${g.name}</option>`)}</select>
    </div>`
        : field({
            label: 'Group to add the user to',
            name: 'groupName',
            hint: 'The group’s name (you may not list the account’s groups).',
          })
    }
    <button type="submit">Add to group</button>
  </form>`;
}

function tagsSection(view: UserView, base: string, csrf: string, errors: UserPageErrors): SafeHtml {
  if (!view.tags) return notListed('iam:ListUserTags');
  return html`${alertBox(errors.tags)}
  ${
    view.tags.length === 0
      ? html`<p class="muted">No tags.</p>`
      : html`<div class="table-scroll"><table>
    <caption class="visually-hidden">Tags of the user</caption>
    <thead><tr><th scope="col">Key</th><th scope="col">Value</th>${view.may.untag ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : ''}</tr></thead>
    <tbody>${view.tags.map(
      (t) =>
        html`<tr><td class="wrap">${t.key}</td><td class="wrap">${t.value}</td>${
          view.may.untag
            ? html`<td class="row-action"><form method="post" action="${base}/tags/remove" class="inline-form">${csrfField(csrf)}<input type="hidden" name="tagKey" value="${t.key}"><button type="submit" class="secondary">Remove${screenReaderText(` tag ${t.key}`)}</button></form></td>`
            : ''
        }</tr>`,
    )}</tbody>
  </table></div>`
  }
  ${
    view.may.tag
      ? html`<form method="post" action="${base}/tags" class="add-row" novalidate>
    ${csrfField(csrf)}
    ${field({ label: 'Tag key', name: 'tagKey', error: errors.tagKey, hint: 'Up to 128 characters. A key the user has already (ignoring case) gets the new value.' })}
    ${field({ label: 'Tag value', name: 'tagValue', required: false, error: errors.tagValue, hint: 'Up to 256 characters; may be empty.' })}
    <button type="submit">Add tag</button>
  </form>`
      : ''
  }
  <p class="hint">Policies can use tags as <code>aws:PrincipalTag/&lt;key&gt;</code> in conditions. At most 50 per user.</p>`;
}

function passwordCard(view: UserView, base: string, csrf: string, now: Date, error: string | undefined): SafeHtml {
  const { profile } = view;
  return html`<section class="card" aria-labelledby="password-heading">
  <h2 id="password-heading">Console password</h2>
  <p>${
    profile
      ? `Set ${relativeTime(profile.passwordChangedAt, now)}${profile.passwordResetRequired ? '; must be changed at next sign-in' : ''}.`
      : 'None: the user cannot sign in to the console.'
  }</p>
  ${
    view.may.setPassword
      ? html`${alertBox(error)}
  <form method="post" action="${base}/${profile ? 'password' : 'login-profile'}" novalidate>
    ${csrfField(csrf)}
    ${field({ label: 'New password', name: 'password', type: 'password', autocomplete: 'new-password' })}
    ${checkbox({ label: 'User must create a new password at next sign-in', name: 'requireReset', checked: true })}
    <button type="submit">${profile ? 'Reset password' : 'Set password'}</button>
  </form>`
      : ''
  }
</section>`;
}

function accessSection(view: UserView, now: Date): SafeHtml {
  const keys = view.keys.keys;
  return html`<section class="card" aria-labelledby="access-heading">
  <h2 id="access-heading">Access</h2>
  <dl class="facts">
    <dt>Last console sign-in</dt><dd>${view.lastSignIn ? timeAgo(view.lastSignIn, now) : view.profile ? 'Never' : 'Never (no console password)'}</dd>
  </dl>
  ${
    keys.length === 0
      ? html`<p class="muted">No access keys.</p>`
      : html`<div class="table-scroll"><table>
    <caption>Last use of each access key</caption>
    <thead><tr><th scope="col">Access key ID</th><th scope="col">Status</th><th scope="col">Last used</th><th scope="col">Service</th><th scope="col">Region</th></tr></thead>
    <tbody>${keys.map(
      (k) =>
        html`<tr><td><code>${k.id}</code></td><td>${k.status}</td><td>${k.lastUsedAt ? timeAgo(k.lastUsedAt, now) : 'Never'}</td><td>${k.lastUsedService ?? 'N/A'}</td><td>${k.lastUsedRegion ?? 'N/A'}</td></tr>`,
    )}</tbody>
  </table></div>`
  }
</section>`;
}

export function userPage(
  frame: Frame & {
    view: UserView;
    now: Date;
    errors?: UserPageErrors;
    notice?: string | undefined;
  },
): string {
  const { view, csrf, now } = frame;
  const { user } = view;
  const errors = frame.errors ?? {};
  const base = userHref(user.name);
  return page({
    title: `User ${user.name}`,
    principal: frame.principal,
    csrf,
    body: html`${breadcrumbs([USERS_CRUMB])}
<h1>User ${user.name}</h1>
${alertBox(frame.notice, 'success')}
<nav class="local-nav" aria-label="Sections of this page">${SECTIONS.map(([id, label]) => html`<a href="#${id}">${label}</a>`)}</nav>
<section class="card" aria-labelledby="summary-heading">
  <h2 id="summary-heading">Summary</h2>
  <dl class="facts details">
    <dt>ARN</dt><dd>${arnText(view.arn)}</dd>
    <dt>User ID</dt><dd>${user.id}</dd>
    <dt>Created</dt><dd>${timeAgo(user.createdAt, now)}</dd>
    <dt>Console password</dt><dd>${view.profile ? `Set ${relativeTime(view.profile.passwordChangedAt, now)}${view.profile.passwordResetRequired ? ', must be changed at next sign-in' : ''}` : 'None'}</dd>
    <dt>Permissions boundary</dt><dd>${user.permissionsBoundary ?? 'None: its policies apply in full'}</dd>
  </dl>
</section>
<section class="card" id="permissions" aria-labelledby="permissions-heading">
  <h2 id="permissions-heading">Permissions</h2>
  ${alertBox(errors.permissions)}
  <h3>What the user may do</h3>
  ${effectiveSummary(view)}
  <h3>Managed policies${view.attached ? ` (${view.attached.length} of ${USER_ATTACHMENT_QUOTA})` : ''}</h3>
  ${attachedPolicies(view, base)}
  <h3>Inline policies${view.inline ? ` (${view.inline.length})` : ''}</h3>
  ${inlinePolicies(view, base)}
  <h3>Permissions boundary</h3>
  ${boundarySection(view, base)}
</section>
<section class="card" id="groups" aria-labelledby="groups-heading">
  <h2 id="groups-heading">Groups${view.groups ? ` (${view.groups.length})` : ''}</h2>
  <p class="muted">The user gets what its groups’ policies allow, together with its own.</p>
  ${groupsSection(view, base, csrf, errors.groups)}
</section>
<div id="security-credentials" class="section-group">
${passwordCard(view, base, csrf, now, errors.password)}
${adminMfaSection(csrf, user.name, view.mfaDevices, now, view.may.deactivateMfa)}
${userAccessKeysCard(view.keys, user.name, csrf, now)}
</div>
<section class="card" id="tags" aria-labelledby="tags-heading">
  <h2 id="tags-heading">Tags${view.tags ? ` (${view.tags.length})` : ''}</h2>
  ${tagsSection(view, base, csrf, errors)}
</section>
<div id="access" class="section-group">
${accessSection(view, now)}
${adminUserSignInSection(view.signIns, user.name, csrf, view.may.unlock, now)}
<section class="card" aria-labelledby="changes-heading">
  <h2 id="changes-heading">Recent changes</h2>
  ${
    view.events.length === 0
      ? html`<p class="muted">Nothing recorded yet.</p>`
      : html`<ul>${view.events.map((e) => html`<li>${e.eventName}${e.outcome ? ` (${e.outcome})` : ''} by ${e.actorName ?? e.actorType}, ${relativeTime(e.time, now)}${e.sourceIp ? ` from ${e.sourceIp}` : ''}</li>`)}</ul>`
  }
</section>
</div>
${
  view.may.delete
    ? html`<section class="card" aria-labelledby="delete-heading">
  <h2 id="delete-heading">Delete user</h2>
  <p>Deleting ${user.name} removes its console password, access keys, MFA devices, policies, group memberships and tags with it.</p>
  <form method="get" action="${base}/delete">
    <button type="submit" class="danger">Delete ${user.name}…</button>
  </form>
</section>`
    : ''
}`,
  });
}

/** The question before a user is deleted, naming everything that goes with it. */
export function deleteUserExplanation(d: UserDependents): SafeHtml {
  const items = [
    d.consolePassword ? 'its console password (it can no longer sign in)' : null,
    d.accessKeys > 0
      ? `${d.accessKeys} access ${d.accessKeys === 1 ? 'key' : 'keys'} (programs using them stop working)`
      : null,
    d.mfaDevices > 0 ? `${d.mfaDevices} MFA ${d.mfaDevices === 1 ? 'device' : 'devices'}` : null,
    d.inlinePolicies > 0 ? `${d.inlinePolicies} inline ${d.inlinePolicies === 1 ? 'policy' : 'policies'}` : null,
    d.attachedPolicies > 0
      ? `${d.attachedPolicies} attached managed ${d.attachedPolicies === 1 ? 'policy' : 'policies'} (the policies themselves stay)`
      : null,
    d.groups > 0 ? `its membership of ${d.groups} ${d.groups === 1 ? 'group' : 'groups'}` : null,
    d.tags > 0 ? `${d.tags} ${d.tags === 1 ? 'tag' : 'tags'}` : null,
  ].filter((item): item is string => item !== null);
  return html`<p>Deleting a user cannot be undone. Its sessions end at once.</p>
  ${items.length > 0 ? html`<p>These go with it:</p><ul>${items.map((i) => html`<li>${i}</li>`)}</ul>` : html`<p>It has no credentials, policies, groups or tags.</p>`}`;
}
