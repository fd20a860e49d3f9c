import type { GatehouseError } from '../shared/errors.ts';
import { type SafeHtml, html } from '../shared/html.ts';
import { nameText, screenReaderText } from '../web/fragments.ts';
import { alertBox, csrfField, field, page } from '../web/layout.ts';
import type { ConsolePrincipal } from '../web/web-context.ts';
import { policyUrl } from './policies.pages.ts';
import type { AttachedPolicyView, InlinePolicyView, PolicyChoice } from './policy-holder-console.service.ts';

/**
 * The pages and parts of pages a policy holder (a user or a group) shares in the console:
 * its attached managed policies, the list to attach from, and adding, reading and editing an
 * inline policy. Each takes what its route loaded and the holder's own words and links.
 */

/** Where a holder's pages sit and lead back to. */
export interface HolderFrame {
  principal: ConsolePrincipal;
  csrf: string;
  /** The breadcrumb trail above the heading. */
  crumbs: SafeHtml;
  /** The holder's page, e.g. `/console/groups/Ops`. */
  base: string;
}

/** A link back to the holder's page, below a page's last card. */
export interface BackLink {
  href: string;
  label: string;
}

const backLink = (back: BackLink) => html`<p><a href="${back.href}">${back.label}</a></p>`;

/** The holder's attached managed policies, with a Detach link on each the person may detach. */
export function attachedPoliciesTable(attached: AttachedPolicyView[], base: string, caption: string): SafeHtml {
  const mayDetachAny = attached.some((a) => a.mayDetach);
  return html`<div class="table-scroll"><table>
    <caption class="visually-hidden">${caption}</caption>
    <thead><tr><th scope="col">Policy name</th><th scope="col">Type</th>${mayDetachAny ? html`<th scope="col"><span class="visually-hidden">Actions</span></th>` : ''}</tr></thead>
    <tbody>${attached.map(
      (a) =>
        html`<tr><td><a href="${policyUrl(a.policyArn)}">${nameText(a.policyName)}</a></td><td>${a.awsManaged ? 'AWS managed' : 'Customer managed'}</td>${
          mayDetachAny
            ? html`<td class="row-action">${a.mayDetach ? html`<a href="${base}/detach-policy?policyArn=${encodeURIComponent(a.policyArn)}">Detach${screenReaderText(` ${a.policyName}`)}</a>` : ''}</td>`
            : ''
        }</tr>`,
    )}</tbody>
  </table></div>`;
}

/** Managed policies to choose from, each with a one-button form when the person may choose it. */
export function policyChoicesTable(
  policies: PolicyChoice[],
  o: { caption: string; action: string; field: string; button: string; current: string },
  csrf: string,
): SafeHtml {
  return html`<div class="table-scroll"><table>
    <caption class="visually-hidden">${o.caption}</caption>
    <thead><tr><th scope="col">Policy</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
    <tbody>${policies.map(
      ({ policy, current, mayChoose }) =>
        html`<tr><td><a href="${policyUrl(policy.arn)}">${nameText(policy.name)}</a><br><span class="muted small">${policy.awsManaged ? 'AWS managed' : 'Customer managed'}${policy.description ? ` · ${policy.description}` : ''}</span></td><td class="row-action">${
          current
            ? o.current
            : mayChoose
              ? html`<form method="post" action="${o.action}" class="inline-form">${csrfField(csrf)}<input type="hidden" name="${o.field}" value="${policy.arn}"><button type="submit">${o.button}${screenReaderText(` ${policy.name}`)}</button></form>`
              : ''
        }</td></tr>`,
    )}</tbody>
  </table></div>`;
}

export function attachPoliciesPage(
  frame: HolderFrame & {
    holderName: string;
    /** `user` or `group`, as the page names the holder. */
    noun: string;
    view: { attachedCount: number; policies: PolicyChoice[] };
    quota: number;
    /** Said after the count when the holder has its quota attached. */
    whenFull: string;
    back: BackLink;
    error?: string | undefined;
  },
): string {
  const { view, csrf, holderName, noun, quota } = frame;
  const full = view.attachedCount >= quota;
  return page({
    title: `Attach policies to ${holderName}`,
    principal: frame.principal,
    csrf,
    body: html`${frame.crumbs}
<h1>Attach policies to ${holderName}</h1>
${alertBox(frame.error)}
<p>The ${noun} has ${view.attachedCount} of at most ${quota} managed policies attached.${full ? frame.whenFull : ''}</p>
<section class="card">
  <h2>AWS managed and customer managed policies</h2>
  ${policyChoicesTable(view.policies, { caption: `Policies that can be attached to the ${noun}`, action: `${frame.base}/attach-policy`, field: 'policyArn', button: 'Attach', current: 'Attached' }, csrf)}
</section>
${backLink(frame.back)}`,
  });
}

export type InlinePolicyErrors = Partial<Record<'policyName' | 'policyDocument' | 'form', string>>;

/** Where a refused document's error belongs: its name, its document, or the form as a whole. */
export function inlinePolicyErrors(error: GatehouseError): InlinePolicyErrors {
  const key = (['policyName', 'policyDocument'] as const).find((f) => f === error.field) ?? 'form';
  return { [key]: error.message };
}

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

/** The document's text area, with the hint that says how it is checked. */
function documentField(value: string, error: string | undefined, hint: SafeHtml): SafeHtml {
  const hintId = 'f-policyDocument-hint';
  const described = error ? `${hintId} f-policyDocument-error` : hintId;
  return html`<div class="field${error ? ' has-error' : ''}">
  <label for="f-policyDocument">Policy document (JSON)</label>
  <p class="hint" id="${hintId}">${hint}</p>
  ${error ? html`<p class="error" id="f-policyDocument-error">${error}</p>` : ''}
  <textarea id="f-policyDocument" name="policyDocument" class="policy-document" rows="16" spellcheck="false" autocapitalize="none" aria-describedby="${described}"${error ? html` aria-invalid="true"` : ''}>${value}</textarea>
</div>`;
}

export function addInlinePolicyPage(
  frame: HolderFrame & {
    holderName: string;
    /** What an inline policy of this holder is, above the form. */
    intro: string;
    /** How the document is checked (the Action and its size limit). */
    documentHint: SafeHtml;
    values: { policyName: string; policyDocument: string };
    errors: InlinePolicyErrors;
    /** A Cancel link in the form, or a link back below the card. */
    leave: { cancel: string } | { back: BackLink };
  },
): string {
  const { holderName, values, errors, leave } = frame;
  return page({
    title: `Add an inline policy to ${holderName}`,
    principal: frame.principal,
    csrf: frame.csrf,
    body: html`${frame.crumbs}
<h1>Add an inline policy to ${holderName}</h1>
<section class="card">
  <p class="muted">${frame.intro}</p>
  ${alertBox(errors.form)}
  <form method="post" action="${frame.base}/inline-policies" novalidate>
    ${csrfField(frame.csrf)}
    ${field({ label: 'Policy name', name: 'policyName', value: values.policyName, error: errors.policyName, hint: 'Up to 128 letters, digits and + = , . @ _ -.' })}
    ${documentField(values.policyDocument, errors.policyDocument, frame.documentHint)}
    <button type="submit">Save policy</button>${'cancel' in leave ? html`\n    <a href="${leave.cancel}" class="cancel">Cancel</a>` : ''}
  </form>
</section>${'back' in leave ? html`\n${backLink(leave.back)}` : ''}`,
  });
}

export function inlinePolicyPage(
  frame: HolderFrame & {
    view: InlinePolicyView;
    /** How the document is checked (the Action and its size limit). */
    documentHint: SafeHtml;
    back: BackLink;
    /** The document as typed, when it comes back with an error. */
    typed?: string;
    errors?: InlinePolicyErrors;
    notice?: string | undefined;
  },
): string {
  const { view, csrf } = frame;
  const errors = frame.errors ?? {};
  const self = `${frame.base}/inline-policies/${encodeURIComponent(view.policyName)}`;
  return page({
    title: `Inline policy ${view.policyName}`,
    principal: frame.principal,
    csrf,
    body: html`${frame.crumbs}
<h1>Inline policy ${view.policyName}</h1>
${alertBox(frame.notice, 'success')}
<section class="card">
  <h2>Policy document</h2>
  ${
    view.mayEdit
      ? html`${alertBox(errors.form)}
  <form method="post" action="${self}" novalidate>
    ${csrfField(csrf)}
    ${documentField(frame.typed ?? view.document, errors.policyDocument, frame.documentHint)}
    <button type="submit">Save changes</button>
  </form>`
      : html`<pre class="policy-document" tabindex="0" aria-label="Policy document">${view.document}</pre>`
  }
</section>
${view.mayDelete ? html`<p><a class="button danger" href="${self}/delete">Delete inline policy ${view.policyName}</a></p>` : ''}
${backLink(frame.back)}`,
  });
}
