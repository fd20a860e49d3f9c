import { type SafeHtml, html } from '../shared/html.ts';
import { breadcrumbs, nameText, screenReaderText } from '../web/fragments.ts';
import { alertBox, csrfField, field, page } from '../web/layout.ts';
import type { ConsolePrincipal } from '../web/web-context.ts';
import { type InlinePolicyView, type PolicyChoicesView, USER_ATTACHMENT_QUOTA } from './user-console.service.ts';
import { policyHref, userHref } from './users.pages.ts';

/**
 * The pages a user's Permissions section opens: choosing managed policies to attach or a
 * permissions boundary, and adding, reading and editing inline policies.
 */

interface Frame {
  principal: ConsolePrincipal;
  csrf: string;
}

const enc = encodeURIComponent;

function crumbs(userName: string) {
  return breadcrumbs([
    { href: '/console/users', label: 'Users' },
    { href: userHref(userName), label: userName },
  ]);
}

function policyTable(
  view: PolicyChoicesView,
  o: { caption: string; action: string; field: string; button: string; current: string },
  csrf: string,
): SafeHtml {
  return html`<div class="table-scroll"><table>
    <caption class="visually-hidden">${o.caption}</caption>
    <thead><tr><th scope="col">Policy</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>${view.policies.map(
      ({ policy, current, mayChoose }) =>
        html`<tr><td><a href="${policyHref(policy.arn)}">${nameText(policy.name)}</a><br><span class="muted small">${policy.awsManaged ? 'AWS managed' : 'Customer managed'}${policy.description ? ` · ${policy.description}` : ''}</span></td><td class="row-action">${
          current
            ? o.current
            : mayChoose
              ? html`<form method="post" action="${o.action}" class="inline-form">${csrfField(csrf)}<input type="hidden" name="${o.field}" value="${policy.arn}"><button type="submit">${o.button}${screenReaderText(` ${policy.name}`)}</button></form>`
              : ''
        }</td></tr>`,
    )}</tbody>
  </table></div>`;
}

export function attachPoliciesPage(frame: Frame & { view: PolicyChoicesView; error?: string | undefined }): string {
  const { view, csrf } = frame;
  const { user } = view;
  const base = userHref(user.name);
  const full = view.attachedCount >= USER_ATTACHMENT_QUOTA;
  return page({
    title: `Attach policies to ${user.name}`,
    principal: frame.principal,
    csrf,
    body: html`${crumbs(user.name)}
<h1>Attach policies to ${user.name}</h1>
${alertBox(frame.error)}
<p>The user has ${view.attachedCount} of at most ${USER_ATTACHMENT_QUOTA} managed policies attached.${full ? ' Detach one before attaching another, or give the permissions through a group.' : ''}</p>
<section class="card">
  <h2>AWS managed and customer managed policies</h2>
  ${policyTable(view, { caption: 'Policies that can be attached to the user', action: `${base}/attach-policy`, field: 'policyArn', button: 'Attach', current: 'Attached' }, csrf)}
</section>
<p><a href="${base}#permissions">Back to user ${user.name}</a></p>`,
  });
}

export function boundaryChoicesPage(frame: Frame & { view: PolicyChoicesView; error?: string | undefined }): string {
  const { view, csrf } = frame;
  const { user } = view;
  const base = userHref(user.name);
  return page({
    title: `Permissions boundary of ${user.name}`,
    principal: frame.principal,
    csrf,
    body: html`${crumbs(user.name)}
<h1>Permissions boundary of ${user.name}</h1>
${alertBox(frame.error)}
<p>A boundary grants nothing by itself: the user may then do only what both its own policies (and its groups’) and the boundary allow.</p>
<section class="card">
  <h2>Choose a managed policy</h2>
  ${policyTable(view, { caption: 'Policies that can bound the user', action: `${base}/permissions-boundary`, field: 'permissionsBoundary', button: 'Set as boundary', current: 'Current boundary' }, csrf)}
</section>
<p><a href="${base}#permissions">Back to user ${user.name}</a></p>`,
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
  <p class="hint" id="${hintId}">Checked as IAM checks PutUserPolicy: the IAM policy grammar, and at most 2,048 characters (not counting white space) for all of the user’s inline policies together.</p>
  ${error ? html`<p class="error" id="f-policyDocument-error">${error}</p>` : ''}
  <textarea id="f-policyDocument" name="policyDocument" class="policy-document" rows="16" spellcheck="false" autocapitalize="none" aria-describedby="${described}"${error ? html` aria-invalid="true"` : ''}>${value}</textarea>
</div>`;
}

export function addInlinePolicyPage(
  frame: Frame & {
    userName: string;
    values: { policyName: string; policyDocument: string };
    errors: InlinePolicyErrors;
  },
): string {
  const { userName, values, errors } = frame;
  const base = userHref(userName);
  return page({
    title: `Add an inline policy to ${userName}`,
    principal: frame.principal,
    csrf: frame.csrf,
    body: html`${crumbs(userName)}
<h1>Add an inline policy to ${userName}</h1>
<section class="card">
  <p class="muted">An inline policy belongs to this user alone and is deleted with it. A policy of the same name is replaced. Prefer managed policies or groups for permissions several users share.</p>
  ${alertBox(errors.form)}
  <form method="post" action="${base}/inline-policies" novalidate>
    ${csrfField(frame.csrf)}
    ${field({ label: 'Policy name', name: 'policyName', value: values.policyName, error: errors.policyName, hint: 'Up to 128 letters, digits and + = , . @ _ -.' })}
    ${documentField(values.policyDocument, errors.policyDocument)}
    <button type="submit">Save policy</button>
    <a href="${base}#permissions" class="cancel">Cancel</a>
  </form>
</section>`,
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
  const base = userHref(view.userName);
  const self = `${base}/inline-policies/${enc(view.policyName)}`;
  return page({
    title: `Inline policy ${view.policyName}`,
    principal: frame.principal,
    csrf,
    body: html`${crumbs(view.userName)}
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
<p><a href="${base}#permissions">Back to user ${view.userName}</a></p>`,
  });
}
