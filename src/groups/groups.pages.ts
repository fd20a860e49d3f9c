import { type SafeHtml, html } from '../shared/html.ts';
import { alertBox, csrfField, field, page, relativeTime } from '../web/layout.ts';
import type { ConsolePrincipal } from '../web/web-context.ts';
import {
  type AttachPoliciesView,
  GROUP_ATTACHMENT_QUOTA,
  type GroupView,
  type GroupsListView,
  type InlinePolicyView,
} from './group-console.service.ts';

/**
 * The console's Groups pages. Each takes what its route loaded, with the forms to offer
 * already decided; none reads anything itself.
 */

interface Frame {
  principal: ConsolePrincipal;
  csrf: string;
}

const enc = encodeURIComponent;

export const groupHref = (name: string) => `/console/groups/${enc(name)}`;

/** Where a managed policy's own page is (the Policies pages). */
const policyHref = (arn: string) => `/console/policies/${enc(arn)}`;

/** An ARN that may wrap after each `:` and `/`, never inside a name. */
function arnText(arn: string): SafeHtml {
  return html`<span class="arn">${arn.split(/(?<=[:/])/).map((part) => html`${part}<wbr>`)}</span>`;
}

/** A policy name that may wrap between its words (`IAM<wbr>Read<wbr>Only<wbr>Access`), so a narrow table keeps its buttons in view. */
function nameText(name: string): SafeHtml {
  return html`${name.split(/(?<=[a-z0-9])(?=[A-Z])|(?<=[-_.+=,@])/).map((part, i) => (i === 0 ? part : html`<wbr>${part}`))}`;
}

function when(iso: string, now: Date): SafeHtml {
  return html`<time datetime="${iso}" title="${iso}">${relativeTime(iso, now)}</time>`;
}

/** Text for screen readers only, e.g. which row a "Remove" button belongs to. */
function hidden(text: string): SafeHtml {
  return html`<span class="visually-hidden">${text}</span>`;
}

const NAME_HINT =
  'Up to 128 letters, digits and + = , . @ _ - (no spaces). Names are unique in the account, ignoring case.';
const PATH_HINT = 'Optional: / when empty, or a path such as /engineering/ (starts and ends with /).';

export type CreateGroupErrors = Partial<Record<'groupName' | 'path' | 'form', string>>;

export function groupsListPage(
  frame: Frame & {
    view: GroupsListView;
    now: Date;
    values: { groupName?: string; path?: string };
    errors: CreateGroupErrors;
    notice?: string | undefined;
  },
): string {
  const { view, now, errors } = frame;
  const mayCreate = view.mayCreate || Object.keys(errors).length > 0;
  return page({
    title: 'Groups',
    principal: frame.principal,
    csrf: frame.csrf,
    body: html`<h1>Groups</h1>
${alertBox(frame.notice, 'success')}
<section class="card">
  <h2>Groups in this account</h2>
  <p class="muted">A group gives its users the permissions of its policies. Users can be in up to 10 groups; a group cannot sign in.</p>
  ${
    view.total === 0
      ? html`<p class="muted">No groups yet.</p>`
      : html`<div class="table-scroll"><table>
    <caption class="visually-hidden">Groups${view.pages > 1 ? `, page ${view.page} of ${view.pages}` : ''}</caption>
    <thead><tr><th scope="col">Group name</th><th scope="col">Users</th><th scope="col">Created</th></tr></thead>
    <tbody>${view.groups.map(
      (g) =>
        html`<tr><td><a href="${groupHref(g.name)}">${g.name}</a>${g.path === '/' ? '' : html` <span class="muted">${g.path}</span>`}</td><td>${g.userCount}</td><td>${when(g.createdAt, now)}</td></tr>`,
    )}</tbody>
  </table></div>
  ${pager(view)}`
  }
</section>
${
  mayCreate
    ? html`<section class="card">
  <h2>Create a group</h2>
  ${alertBox(errors.form)}
  <form method="post" action="/console/groups" novalidate>
    ${csrfField(frame.csrf)}
    ${field({ label: 'Group name', name: 'groupName', value: frame.values.groupName, error: errors.groupName, hint: NAME_HINT })}
    ${field({ label: 'Path', name: 'path', value: frame.values.path, error: errors.path, hint: PATH_HINT, required: false })}
    <button type="submit">Create group</button>
  </form>
</section>`
    : ''
}`,
  });
}

function pager(view: GroupsListView): SafeHtml {
  if (view.pages <= 1) return html``;
  return html`<nav class="pager" aria-label="Pages of groups">
    ${view.page > 1 ? html`<a href="/console/groups?page=${view.page - 1}" rel="prev">Previous page</a>` : ''}
    <span>Page ${view.page} of ${view.pages} (${view.total} groups)</span>
    ${view.page < view.pages ? html`<a href="/console/groups?page=${view.page + 1}" rel="next">Next page</a>` : ''}
  </nav>`;
}

export type GroupPageErrors = Partial<Record<'users' | 'policies' | 'newGroupName' | 'newPath' | 'rename', string>>;

export function groupPage(
  frame: Frame & {
    view: GroupView;
    now: Date;
    /** The rename form as typed, when it comes back with an error. */
    rename?: { newGroupName: string; newPath: string };
    errors?: GroupPageErrors;
    notice?: string | undefined;
  },
): string {
  const { view, csrf, now } = frame;
  const { group } = view;
  const errors = frame.errors ?? {};
  const base = groupHref(group.name);
  return page({
    title: `Group ${group.name}`,
    principal: frame.principal,
    csrf,
    body: html`<p class="breadcrumb"><a href="/console/groups">Groups</a></p>
<h1>Group ${group.name}</h1>
${alertBox(frame.notice, 'success')}
<section class="card">
  <h2>Summary</h2>
  <dl class="facts">
    <dt>Group name</dt><dd>${group.name}</dd>
    <dt>Path</dt><dd>${group.path}</dd>
    <dt>ARN</dt><dd>${arnText(group.arn)}</dd>
    <dt>Group ID</dt><dd>${group.id}</dd>
    <dt>Created</dt><dd>${when(group.createdAt, now)}</dd>
  </dl>
</section>
<section class="card">
  <h2>Users (${view.users.length})</h2>
  ${alertBox(errors.users)}
  ${
    view.users.length === 0
      ? html`<p class="muted">No users in this group yet.</p>`
      : html`<div class="table-scroll"><table>
    <caption class="visually-hidden">Users in group ${group.name}</caption>
    <thead><tr><th scope="col">User name</th>${view.mayRemoveUser ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : ''}</tr></thead>
    <tbody>${view.users.map(
      (u) =>
        html`<tr><td><a href="/console/users/${enc(u.name)}">${u.name}</a></td>${
          view.mayRemoveUser
            ? html`<td class="row-action"><form method="post" action="${base}/remove-user" class="inline-form">${csrfField(csrf)}<input type="hidden" name="userName" value="${u.name}"><button type="submit" class="secondary">Remove${hidden(` ${u.name} from the group`)}</button></form></td>`
            : ''
        }</tr>`,
    )}</tbody>
  </table></div>`
  }
  ${view.mayAddUser ? addUserForm(view, base, csrf) : ''}
</section>
<section class="card">
  <h2>Permissions</h2>
  <p class="muted">Every user in the group gets what these policies allow, together with their own policies; an explicit Deny in any of them wins.</p>
  ${alertBox(errors.policies)}
  <h3>Managed policies${view.attached ? ` (${view.attached.length} of ${GROUP_ATTACHMENT_QUOTA})` : ''}</h3>
  ${attachedPolicies(view, base)}
  <h3>Inline policies${view.inline ? ` (${view.inline.length})` : ''}</h3>
  ${inlinePolicies(view, base)}
</section>
${view.mayUpdate ? renameForm(view, base, csrf, frame.rename, errors) : ''}
${
  view.mayDelete
    ? html`<section class="card">
  <h2>Delete group</h2>
  <p>A group can be deleted once it has no users and no policies, attached or inline.</p>
  <p><a class="button danger" href="${base}/delete">Delete group ${group.name}</a></p>
</section>`
    : ''
}`,
  });
}

function addUserForm(view: GroupView, base: string, csrf: string): SafeHtml {
  if (view.addableUsers?.length === 0)
    return html`<p class="muted">${view.users.length === 0 ? 'This account has no users to add yet.' : 'Every user of this account is in this group already.'}</p>`;
  return html`<form method="post" action="${base}/add-user" class="add-row" novalidate>
    ${csrfField(csrf)}
    ${
      view.addableUsers
        ? html`<div class="field">
      <label for="f-userName">User to add</label>
      <select id="f-userName" name="userName">${view.addableUsers.map((u) => html`<option value="${u.name}">${u.name}</option>`)}</select>
    </div>`
        : field({
            label: 'User to add',
            name: 'userName',
            hint: 'The user name (you may not list the account’s users).',
          })
    }
    <button type="submit">Add user</button>
  </form>`;
}

function attachedPolicies(view: GroupView, base: string): SafeHtml {
  if (!view.attached)
    return html`<p class="muted">Not shown: you do not have iam:ListAttachedGroupPolicies on this group.</p>`;
  const attach = view.mayAttach
    ? html`<p><a class="button" href="${base}/attach-policies">Attach policies</a></p>`
    : '';
  if (view.attached.length === 0) return html`<p class="muted">No managed policies attached.</p>${attach}`;
  const mayDetachAny = view.attached.some((a) => a.mayDetach);
  return html`<div class="table-scroll"><table>
    <caption class="visually-hidden">Managed policies attached to the group</caption>
    <thead><tr><th scope="col">Policy name</th><th scope="col">Type</th>${mayDetachAny ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : ''}</tr></thead>
    <tbody>${view.attached.map(
      (a) =>
        html`<tr><td><a href="${policyHref(a.policyArn)}">${nameText(a.policyName)}</a></td><td>${a.awsManaged ? 'AWS managed' : 'Customer managed'}</td>${
          mayDetachAny
            ? html`<td class="row-action">${a.mayDetach ? html`<a href="${base}/detach-policy?policyArn=${enc(a.policyArn)}">Detach${hidden(` ${a.policyName}`)}</a>` : ''}</td>`
            : ''
        }</tr>`,
    )}</tbody>
  </table></div>${attach}`;
}

function inlinePolicies(view: GroupView, base: string): SafeHtml {
  const add = view.mayAddInline
    ? html`<p><a class="button" href="${base}/add-inline-policy">Add inline policy</a></p>`
    : '';
  if (!view.inline)
    return html`<p class="muted">Not shown: you do not have iam:ListGroupPolicies on this group.</p>${add}`;
  if (view.inline.length === 0) return html`<p class="muted">No inline policies.</p>${add}`;
  return html`<ul class="plain-list">${view.inline.map(
    (name) =>
      html`<li>${view.mayReadInline ? html`<a href="${base}/inline-policies/${enc(name)}">${name}</a>` : name}</li>`,
  )}</ul>${add}`;
}

function renameForm(
  view: GroupView,
  base: string,
  csrf: string,
  typed: { newGroupName: string; newPath: string } | undefined,
  errors: GroupPageErrors,
): SafeHtml {
  return html`<section class="card">
  <h2>Rename or move</h2>
  <p class="muted">Users and policies stay with the group. Policies that name the group by its ARN need the new name.</p>
  ${alertBox(errors.rename)}
  <form method="post" action="${base}/update" novalidate>
    ${csrfField(csrf)}
    ${field({ label: 'Group name', name: 'newGroupName', value: typed?.newGroupName ?? view.group.name, error: errors.newGroupName, hint: NAME_HINT })}
    ${field({ label: 'Path', name: 'newPath', value: typed?.newPath ?? view.group.path, error: errors.newPath, hint: 'Starts and ends with /, e.g. / or /engineering/.' })}
    <button type="submit">Save name and path</button>
  </form>
</section>`;
}

export function attachPoliciesPage(frame: Frame & { view: AttachPoliciesView; error?: string | undefined }): string {
  const { view, csrf } = frame;
  const { group } = view;
  const base = groupHref(group.name);
  const full = view.attachedCount >= GROUP_ATTACHMENT_QUOTA;
  return page({
    title: `Attach policies to ${group.name}`,
    principal: frame.principal,
    csrf,
    body: html`<p class="breadcrumb"><a href="/console/groups">Groups</a> / <a href="${base}">${group.name}</a></p>
<h1>Attach policies to ${group.name}</h1>
${alertBox(frame.error)}
<p>The group has ${view.attachedCount} of at most ${GROUP_ATTACHMENT_QUOTA} managed policies attached.${full ? ' Detach one before attaching another.' : ''}</p>
<section class="card">
  <h2>AWS managed and customer managed policies</h2>
  <div class="table-scroll"><table>
    <caption class="visually-hidden">Policies that can be attached to the group</caption>
    <thead><tr><th scope="col">Policy</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>${view.policies.map(
      ({ policy, attached, mayAttach }) =>
        html`<tr><td><a href="${policyHref(policy.arn)}">${nameText(policy.name)}</a><br><span class="muted small">${policy.awsManaged ? 'AWS managed' : 'Customer managed'}${policy.description ? ` · ${policy.description}` : ''}</span></td><td class="row-action">${
          attached
            ? 'Attached'
            : mayAttach
              ? html`<form method="post" action="${base}/attach-policy" class="inline-form">${csrfField(csrf)}<input type="hidden" name="policyArn" value="${policy.arn}"><button type="submit">Attach${hidden(` ${policy.name}`)}</button></form>`
              : ''
        }</td></tr>`,
    )}</tbody>
  </table></div>
</section>
<p><a href="${base}">Back to group ${group.name}</a></p>`,
  });
}

export type InlinePolicyErrors = Partial<Record<'policyName' | 'policyDocument' | 'form', string>>;

/** An empty statement to start from. */
export const POLICY_TEMPLATE = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Action": [],
      "Resource": "*"
    }
  ]
}`;

function documentField(value: string, error: string | undefined): SafeHtml {
  const hintId = 'f-policyDocument-hint';
  const described = error ? `${hintId} f-policyDocument-error` : hintId;
  return html`<div class="field${error ? ' has-error' : ''}">
  <label for="f-policyDocument">Policy document (JSON)</label>
  <p class="hint" id="${hintId}">Checked as IAM checks PutGroupPolicy: the IAM policy grammar, and at most 5,120 characters (not counting white space) for all of the group's inline policies together.</p>
  ${error ? html`<p class="error" id="f-policyDocument-error">${error}</p>` : ''}
  <textarea id="f-policyDocument" name="policyDocument" class="policy-document" rows="16" spellcheck="false" autocapitalize="none" aria-describedby="${described}"${error ? html` aria-invalid="true"` : ''}>${value}</textarea>
</div>`;
}

export function addInlinePolicyPage(
  frame: Frame & {
    groupName: string;
    values: { policyName: string; policyDocument: string };
    errors: InlinePolicyErrors;
  },
): string {
  const { groupName, values, errors } = frame;
  const base = groupHref(groupName);
  return page({
    title: `Add an inline policy to ${groupName}`,
    principal: frame.principal,
    csrf: frame.csrf,
    body: html`<p class="breadcrumb"><a href="/console/groups">Groups</a> / <a href="${base}">${groupName}</a></p>
<h1>Add an inline policy to ${groupName}</h1>
<section class="card">
  <p class="muted">An inline policy belongs to this group alone and is deleted with it. A policy of the same name is replaced.</p>
  ${alertBox(errors.form)}
  <form method="post" action="${base}/inline-policies" novalidate>
    ${csrfField(frame.csrf)}
    ${field({ label: 'Policy name', name: 'policyName', value: values.policyName, error: errors.policyName, hint: 'Up to 128 letters, digits and + = , . @ _ -.' })}
    ${documentField(values.policyDocument, errors.policyDocument)}
    <button type="submit">Save policy</button>
  </form>
</section>
<p><a href="${base}">Back to group ${groupName}</a></p>`,
  });
}

export function inlinePolicyPage(
  frame: Frame & {
    view: InlinePolicyView;
    /** The document as typed, when it comes back with an error. */
    typed?: string;
    errors?: InlinePolicyErrors;
    notice?: string | undefined;
  },
): string {
  const { view, csrf } = frame;
  const errors = frame.errors ?? {};
  const base = groupHref(view.groupName);
  const self = `${base}/inline-policies/${enc(view.policyName)}`;
  return page({
    title: `Inline policy ${view.policyName}`,
    principal: frame.principal,
    csrf,
    body: html`<p class="breadcrumb"><a href="/console/groups">Groups</a> / <a href="${base}">${view.groupName}</a></p>
<h1>Inline policy ${view.policyName}</h1>
${alertBox(frame.notice, 'success')}
<section class="card">
  <h2>Policy document</h2>
  ${
    view.mayEdit
      ? html`${alertBox(errors.form)}
  <form method="post" action="${self}" novalidate>
    ${csrfField(csrf)}
    ${documentField(frame.typed ?? view.document, errors.policyDocument)}
    <button type="submit">Save changes</button>
  </form>`
      : html`<pre class="policy-document" tabindex="0" aria-label="Policy document">${view.document}</pre>`
  }
</section>
${view.mayDelete ? html`<p><a class="button danger" href="${self}/delete">Delete inline policy ${view.policyName}</a></p>` : ''}
<p><a href="${base}">Back to group ${view.groupName}</a></p>`,
  });
}

/**
 * A destructive action's confirmation, as a page of its own so it works without
 * JavaScript: what will happen, the form that does it, and the way back.
 */
export function confirmationPage(
  frame: Frame & {
    title: string;
    groupName: string;
    explanation: string;
    action: string;
    fields?: Record<string, string>;
    button: string;
    error?: string | undefined;
  },
): string {
  const base = groupHref(frame.groupName);
  return page({
    title: frame.title,
    principal: frame.principal,
    csrf: frame.csrf,
    body: html`<p class="breadcrumb"><a href="/console/groups">Groups</a> / <a href="${base}">${frame.groupName}</a></p>
<section class="card narrow">
  <h1>${frame.title}</h1>
  ${alertBox(frame.error)}
  <p>${frame.explanation}</p>
  <form method="post" action="${frame.action}">
    ${csrfField(frame.csrf)}
    ${Object.entries(frame.fields ?? {}).map(([name, value]) => html`<input type="hidden" name="${name}" value="${value}">`)}
    <button type="submit" class="danger">${frame.button}</button>
    <a href="${base}" class="cancel">Cancel</a>
  </form>
</section>`,
  });
}
