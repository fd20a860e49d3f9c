import {
  type InlinePolicyErrors,
  addInlinePolicyPage as addHolderInlinePolicyPage,
  attachPoliciesPage as attachHolderPoliciesPage,
  inlinePolicyPage as holderInlinePolicyPage,
  policyChoicesTable,
} from '../policies/policy-holder.pages.ts';
import type { InlinePolicyView } from '../policies/policy-holder-console.service.ts';
import { html } from '../shared/html.ts';
import { breadcrumbs } from '../web/fragments.ts';
import { alertBox, page } from '../web/layout.ts';
import type { ConsolePrincipal } from '../web/web-context.ts';
import { type PolicyChoicesView, USER_ATTACHMENT_QUOTA } from './user-console.service.ts';
import { userHref } from './users.pages.ts';

/**
 * The pages a user's Permissions section opens: choosing managed policies to attach or a
 * permissions boundary, and adding, reading and editing inline policies (the pages a group
 * shares, in a user's words).
 */

interface Frame {
  principal: ConsolePrincipal;
  csrf: string;
}

function crumbs(userName: string) {
  return breadcrumbs([
    { href: '/console/users', label: 'Users' },
    { href: userHref(userName), label: userName },
  ]);
}

/** The holder's frame: the user's breadcrumbs, its page, and the way back to its Permissions section. */
function holder(frame: Frame, userName: string) {
  const base = userHref(userName);
  return {
    principal: frame.principal,
    csrf: frame.csrf,
    crumbs: crumbs(userName),
    base,
    back: { href: `${base}#permissions`, label: `Back to user ${userName}` },
  };
}

const DOCUMENT_HINT = html`Checked as IAM checks PutUserPolicy: the IAM policy grammar, and at most 2,048 characters (not counting white space) for all of the user’s inline policies together.`;

export function attachPoliciesPage(frame: Frame & { view: PolicyChoicesView; error?: string | undefined }): string {
  const { view } = frame;
  return attachHolderPoliciesPage({
    ...holder(frame, view.user.name),
    holderName: view.user.name,
    noun: 'user',
    view,
    quota: USER_ATTACHMENT_QUOTA,
    whenFull: ' Detach one before attaching another, or give the permissions through a group.',
    error: frame.error,
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
  ${policyChoicesTable(view.policies, { caption: 'Policies that can bound the user', action: `${base}/permissions-boundary`, field: 'permissionsBoundary', button: 'Set as boundary', current: 'Current boundary' }, csrf)}
</section>
<p><a href="${base}#permissions">Back to user ${user.name}</a></p>`,
  });
}

export function addInlinePolicyPage(
  frame: Frame & {
    userName: string;
    values: { policyName: string; policyDocument: string };
    errors: InlinePolicyErrors;
  },
): string {
  const { back, ...common } = holder(frame, frame.userName);
  return addHolderInlinePolicyPage({
    ...common,
    holderName: frame.userName,
    intro:
      'An inline policy belongs to this user alone and is deleted with it. A policy of the same name is replaced. Prefer managed policies or groups for permissions several users share.',
    documentHint: DOCUMENT_HINT,
    values: frame.values,
    errors: frame.errors,
    leave: { cancel: back.href },
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
