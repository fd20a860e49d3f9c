import type { InlinePolicyView } from '../policies/policy-holder-console.service.ts';
import {
  type InlinePolicyErrors,
  addInlinePolicyPage as addHolderInlinePolicyPage,
  attachPoliciesPage as attachHolderPoliciesPage,
  inlinePolicyPage as holderInlinePolicyPage,
} from '../policies/policy-holder.pages.ts';
import { html } from '../shared/html.ts';
import { breadcrumbs } from '../web/fragments.ts';
import type { ConsolePrincipal } from '../web/web-context.ts';
import { type AttachPoliciesView, ROLE_ATTACHMENT_QUOTA } from './role-console.service.ts';
import { roleHref } from './roles.pages.ts';

/**
 * The pages a role's Permissions section opens: choosing managed policies to attach, and
 * adding, reading and editing inline policies (the pages users and groups share, in a role's words).
 */

interface Frame {
  principal: ConsolePrincipal;
  csrf: string;
}

/** The holder's frame: the role's breadcrumbs, its page, and the way back to its Permissions section. */
function holder(frame: Frame, roleName: string) {
  const base = roleHref(roleName);
  return {
    principal: frame.principal,
    csrf: frame.csrf,
    crumbs: breadcrumbs([
      { href: '/console/roles', label: 'Roles' },
      { href: base, label: roleName },
    ]),
    base,
    back: { href: `${base}#permissions`, label: `Back to role ${roleName}` },
  };
}

const DOCUMENT_HINT = html`Checked as IAM checks PutRolePolicy: the IAM policy grammar, and at most 10,240 characters (not counting white space) for all of the role’s inline policies together.`;

export function attachPoliciesPage(frame: Frame & { view: AttachPoliciesView; error?: string | undefined }): string {
  const { view } = frame;
  return attachHolderPoliciesPage({
    ...holder(frame, view.role.name),
    holderName: view.role.name,
    noun: 'role',
    view,
    quota: ROLE_ATTACHMENT_QUOTA,
    whenFull: ' Detach one before attaching another.',
    error: frame.error,
  });
}

export function addInlinePolicyPage(
  frame: Frame & {
    roleName: string;
    values: { policyName: string; policyDocument: string };
    errors: InlinePolicyErrors;
  },
): string {
  const { back, ...common } = holder(frame, frame.roleName);
  return addHolderInlinePolicyPage({
    ...common,
    holderName: frame.roleName,
    intro: 'An inline policy belongs to this role alone and is deleted with it. A policy of the same name is replaced.',
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
