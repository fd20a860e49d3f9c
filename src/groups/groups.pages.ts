import type { InlinePolicyView } from '../policies/policy-holder-console.service.ts';
import {
  type InlinePolicyErrors,
  addInlinePolicyPage as addHolderInlinePolicyPage,
  attachedPoliciesTable,
  attachPoliciesPage as attachHolderPoliciesPage,
  inlinePolicyPage as holderInlinePolicyPage,
} from '../policies/policy-holder.pages.ts';
import { type SafeHtml, html } from '../shared/html.ts';
import { arnText, screenReaderText, timeAgo } from '../web/fragments.ts';
import { alertBox, csrfField, field, page } from '../web/layout.ts';
import type { ConsolePrincipal } from '../web/web-context.ts';
import {
  type AttachPoliciesView,
  GROUP_ATTACHMENT_QUOTA,
  type GroupView,
  type GroupsListView,
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

function crumbs(groupName: string): SafeHtml {
  return html`<p class="breadcrumb"><a href="/console/groups">Groups</a> / <a href="${groupHref(groupName)}">${groupName}</a></p>`;
}

/** The holder's frame: the group's breadcrumbs, its page, and the way back to it. */
function holder(frame: Frame, groupName: string) {
  const base = groupHref(groupName);
  return {
    principal: frame.principal,
    csrf: frame.csrf,
    crumbs: crumbs(groupName),
    base,
    back: { href: base, label: `Back to group ${groupName}` },
  };
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
        html`<tr><td><a href="${groupHref(g.name)}">${g.name}</a>${g.path === '/' ? '' : html` <span class="muted">${g.path}</span>`}</td><td>${g.userCount}</td><td>${timeAgo(g.createdAt, now)}</td></tr>`,
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
    <dt>Created</dt><dd>${timeAgo(group.createdAt, now)}</dd>
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
            ? html`<td class="row-action"><form method="post" action="${base}/remove-user" class="inline-form">${csrfField(csrf)}<input type="hidden" name="userName" value="${u.name}"><button type="submit" class="secondary">Remove${screenReaderText(` ${u.name} from the group`)}</button></form></td>`
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
  return html`${attachedPoliciesTable(view.attached, base, 'Managed policies attached to the group')}${attach}`;
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
  const { view } = frame;
  return attachHolderPoliciesPage({
    ...holder(frame, view.group.name),
    holderName: view.group.name,
    noun: 'group',
    view,
    quota: GROUP_ATTACHMENT_QUOTA,
    whenFull: ' Detach one before attaching another.',
    error: frame.error,
  });
}

const DOCUMENT_HINT = html`Checked as IAM checks PutGroupPolicy: the IAM policy grammar, and at most 5,120 characters (not counting white space) for all of the group's inline policies together.`;

export function addInlinePolicyPage(
  frame: Frame & {
    groupName: string;
    values: { policyName: string; policyDocument: string };
    errors: InlinePolicyErrors;
  },
): string {
  const { back, ...common } = holder(frame, frame.groupName);
  return addHolderInlinePolicyPage({
    ...common,
    holderName: frame.groupName,
    intro:
      'An inline policy belongs to this group alone and is deleted with it. A policy of the same name is replaced.',
    documentHint: DOCUMENT_HINT,
    values: frame.values,
    errors: frame.errors,
    leave: { back },
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
  const { principal, csrf, ...rest } = frame;
  return holderInlinePolicyPage({ ...holder(frame, frame.view.holderName), ...rest, documentHint: DOCUMENT_HINT });
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
    body: html`${crumbs(frame.groupName)}
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
