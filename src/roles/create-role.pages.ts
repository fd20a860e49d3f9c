import type { ManagedPolicy } from '../policies/managed-policy.service.ts';
import { policyUrl } from '../policies/policies.pages.ts';
import { type SafeHtml, html } from '../shared/html.ts';
import { breadcrumbs, nameText, screenReaderText } from '../web/fragments.ts';
import { alertBox, csrfField, field, page } from '../web/layout.ts';
import type { ConsolePrincipal } from '../web/web-context.ts';
import type { WizardAnswers } from './create-role.service.ts';
import { ROLE_ATTACHMENT_QUOTA } from './role-console.service.ts';
import { SESSION_DURATIONS, durationText } from './roles.pages.ts';

/**
 * The create-role wizard, three pages that work without JavaScript: who may assume the role,
 * what it may do, then its name. Each page carries the others' answers as hidden fields, so
 * Back and Next lose nothing; only the last one, Create role, changes anything.
 */

/** Every answer of the wizard, as its form fields carry them. */
export type WizardState = WizardAnswers;

export const WIZARD_FIELDS = [
  'trustKind',
  'otherAccount',
  'externalId',
  'requireMfa',
  'trustPolicy',
  'policyArns',
  'roleName',
  'description',
  'maxSessionDuration',
] as const satisfies ReadonlyArray<keyof WizardState>;

export type WizardErrors = Partial<Record<keyof WizardState | 'form', string>>;

interface Frame {
  principal: ConsolePrincipal;
  csrf: string;
  state: WizardState;
  errors: WizardErrors;
}

const STEPS = ['Trusted entity', 'Permissions', 'Name and review'] as const;

function hidden(state: WizardState, except: ReadonlyArray<keyof WizardState>): SafeHtml {
  return html`${WIZARD_FIELDS.filter((f) => !except.includes(f)).map(
    (f) => html`<input type="hidden" name="${f}" value="${state[f]}">`,
  )}`;
}

function wizardPage(frame: Frame, step: 1 | 2 | 3, body: SafeHtml): string {
  return page({
    title: `Create role: ${STEPS[step - 1]}`,
    principal: frame.principal,
    csrf: frame.csrf,
    body: html`${breadcrumbs([{ href: '/console/roles', label: 'Roles' }])}
<h1>Create role</h1>
<ol class="steps" aria-label="Steps">${STEPS.map(
      (name, i) => html`<li${i + 1 === step ? html` aria-current="step"` : ''}>${name}</li>`,
    )}</ol>
${alertBox(frame.errors.form)}
${body}`,
  });
}

function choice(o: { value: string; label: string; hint: string; checked: boolean }): SafeHtml {
  const id = `f-trustKind-${o.value}`;
  return html`<div class="field checkbox">
    <input id="${id}" name="trustKind" type="radio" value="${o.value}"${o.checked ? html` checked` : ''} aria-describedby="${id}-hint">
    <label for="${id}">${o.label}</label>
    <p class="hint" id="${id}-hint">${o.hint}</p>
  </div>`;
}

function textArea(o: {
  label: string;
  name: string;
  value: string;
  hint: string;
  error?: string | undefined;
  rows: number;
}) {
  const id = `f-${o.name}`;
  const described = o.error ? `${id}-hint ${id}-error` : `${id}-hint`;
  return html`<div class="field${o.error ? ' has-error' : ''}">
  <label for="${id}">${o.label}</label>
  <p class="hint" id="${id}-hint">${o.hint}</p>
  ${o.error ? html`<p class="error" id="${id}-error">${o.error}</p>` : ''}
  <textarea id="${id}" name="${o.name}" class="policy-document" rows="${String(o.rows)}" spellcheck="false" autocapitalize="none" aria-describedby="${described}"${o.error ? html` aria-invalid="true"` : ''}>${o.value}</textarea>
</div>`;
}

export function trustStepPage(frame: Frame & { accountId: string }): string {
  const { state, errors, csrf } = frame;
  const kind = state.trustKind || 'this-account';
  return wizardPage(
    frame,
    1,
    html`<form method="post" action="/console/roles/new" novalidate>
  ${csrfField(csrf)}
  ${hidden(state, ['trustKind', 'otherAccount', 'externalId', 'requireMfa', 'trustPolicy'])}
  <section class="card">
    <h2>Who may assume the role?</h2>
    <fieldset class="choices-list">
      <legend>Trusted entity</legend>
      ${errors.trustKind ? html`<p class="error">${errors.trustKind}</p>` : ''}
      ${choice({ value: 'this-account', label: 'This account', hint: `Users and roles of account ${frame.accountId} whose own policies allow sts:AssumeRole on the role.`, checked: kind === 'this-account' })}
      ${choice({ value: 'other-account', label: 'Another account', hint: 'Users and roles of the account you name, when its administrators allow them sts:AssumeRole on the role.', checked: kind === 'other-account' })}
      ${choice({ value: 'custom', label: 'Custom trust policy', hint: 'Write the trust policy yourself, in JSON.', checked: kind === 'custom' })}
    </fieldset>
    <h3>Another account</h3>
    ${field({ label: 'Account ID', name: 'otherAccount', value: state.otherAccount, error: errors.otherAccount, hint: 'The 12-digit ID of the account whose principals may assume the role.', required: false })}
    ${field({ label: 'External ID', name: 'externalId', value: state.externalId, error: errors.externalId, hint: 'Optional: a value the other account must pass to AssumeRole (sts:ExternalId), as a third party acting for several customers is asked to.', required: false })}
    <h3>Either account</h3>
    <div class="field checkbox">
      <input id="f-requireMfa" name="requireMfa" type="checkbox" value="on"${state.requireMfa === 'on' ? html` checked` : ''} aria-describedby="f-requireMfa-hint">
      <label for="f-requireMfa">Require MFA</label>
      <p class="hint" id="f-requireMfa-hint">Only a principal that signed in with MFA (aws:MultiFactorAuthPresent) may assume the role.</p>
    </div>
    <h3>Custom trust policy</h3>
    ${textArea({ label: 'Trust policy (JSON)', name: 'trustPolicy', value: state.trustPolicy, error: errors.trustPolicy, rows: 14, hint: 'Checked as CreateRole checks it: the trust policy grammar, and principals that exist.' })}
  </section>
  <p><button type="submit" name="go" value="permissions">Next: permissions</button> <a href="/console/roles" class="cancel">Cancel</a></p>
</form>`,
  );
}

export interface WizardPolicy {
  policy: ManagedPolicy;
  mayAttach: boolean;
}

export function permissionsStepPage(frame: Frame & { policies: WizardPolicy[]; chosen: string[] }): string {
  const { state, csrf, chosen } = frame;
  const byArn = new Map(frame.policies.map((p) => [p.policy.arn, p.policy]));
  const full = chosen.length >= ROLE_ATTACHMENT_QUOTA;
  const offered = frame.policies.filter((p) => !chosen.includes(p.policy.arn));
  return wizardPage(
    frame,
    2,
    html`<form method="post" action="/console/roles/new" novalidate>
  ${csrfField(csrf)}
  ${hidden(state, [])}
  <section class="card">
    <h2>What may the role do?</h2>
    ${alertBox(frame.errors.policyArns)}
    <p class="muted">Managed policies to attach to the role, at most ${ROLE_ATTACHMENT_QUOTA}. You can also add inline policies on the role's page once it exists.</p>
    <h3>Chosen (${chosen.length})</h3>
    ${
      chosen.length === 0
        ? html`<p class="muted">None yet: the role may do nothing until it has a policy.</p>`
        : html`<ul class="plain-list">${chosen.map(
            (arn) =>
              html`<li><a href="${policyUrl(arn)}">${nameText(byArn.get(arn)?.name ?? arn)}</a> <button type="submit" class="secondary" name="remove" value="${arn}">Remove${screenReaderText(` ${byArn.get(arn)?.name ?? arn}`)}</button></li>`,
          )}</ul>`
    }
    <h3>AWS managed and customer managed policies</h3>
    ${full ? html`<p class="muted">The role has as many policies as it may have.</p>` : ''}
    <div class="table-scroll"><table>
      <caption class="visually-hidden">Policies that can be attached to the role</caption>
      <thead><tr><th scope="col">Policy</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
      <tbody>${offered.map(
        ({ policy, mayAttach }) =>
          html`<tr><td><a href="${policyUrl(policy.arn)}">${nameText(policy.name)}</a><br><span class="muted small">${policy.awsManaged ? 'AWS managed' : 'Customer managed'}${policy.description ? ` · ${policy.description}` : ''}</span></td><td class="row-action">${
            mayAttach && !full
              ? html`<button type="submit" name="add" value="${policy.arn}">Add${screenReaderText(` ${policy.name}`)}</button>`
              : ''
          }</td></tr>`,
      )}</tbody>
    </table></div>
  </section>
  <p><button type="submit" name="go" value="name">Next: name and review</button> <button type="submit" class="secondary" name="go" value="trust">Back</button></p>
</form>`,
  );
}

export function nameStepPage(frame: Frame & { trustLines: string[]; chosen: ManagedPolicy[] }): string {
  const { state, errors, csrf } = frame;
  const chosenDuration = state.maxSessionDuration || '3600';
  return wizardPage(
    frame,
    3,
    html`<form method="post" action="/console/roles" novalidate>
  ${csrfField(csrf)}
  ${hidden(state, ['roleName', 'description', 'maxSessionDuration'])}
  <section class="card">
    <h2>Name the role</h2>
    ${field({ label: 'Role name', name: 'roleName', value: state.roleName, error: errors.roleName, hint: 'Up to 64 letters, digits and + = , . @ _ - (no spaces). Names are unique in the account, ignoring case.' })}
    ${textArea({ label: 'Description', name: 'description', value: state.description, error: errors.description, rows: 2, hint: 'Optional, up to 1,000 characters.' })}
    <div class="field${errors.maxSessionDuration ? ' has-error' : ''}">
      <label for="f-maxSessionDuration">Maximum session duration</label>
      <p class="hint" id="f-maxSessionDuration-hint">How long credentials from AssumeRole may last at most.</p>
      ${errors.maxSessionDuration ? html`<p class="error" id="f-maxSessionDuration-error">${errors.maxSessionDuration}</p>` : ''}
      <select id="f-maxSessionDuration" name="maxSessionDuration" aria-describedby="f-maxSessionDuration-hint">${SESSION_DURATIONS.map(
        (d) =>
          html`<option value="${String(d)}"${String(d) === chosenDuration ? html` selected` : ''}>${durationText(d)}</option>`,
      )}</select>
    </div>
  </section>
  <section class="card">
    <h2>Review</h2>
    <h3>Trust relationships</h3>
    <ul class="trust-summary">${frame.trustLines.map((line) => html`<li>${line}.</li>`)}</ul>
    <h3>Managed policies (${frame.chosen.length})</h3>
    ${frame.chosen.length === 0 ? html`<p class="muted">None.</p>` : html`<ul class="plain-list">${frame.chosen.map((p) => html`<li>${nameText(p.name)}</li>`)}</ul>`}
  </section>
  <p><button type="submit">Create role</button> <button type="submit" class="secondary" formaction="/console/roles/new" name="go" value="permissions">Back</button></p>
</form>`,
  );
}
