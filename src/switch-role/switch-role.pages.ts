import { type SafeHtml, html } from '../shared/html.ts';
import { screenReaderText } from '../web/fragments.ts';
import { alertBox, csrfField, field, page } from '../web/layout.ts';
import type { ConsolePrincipal } from '../web/web-context.ts';
import { DISPLAY_NAME_MAX, ROLE_COLOURS, type RecentRole, type RoleColour } from './role-history.ts';

/**
 * The Switch role page: the form (account, role, display name, colour), the roles used
 * recently in this browser, each one button away, and for the root user why it has none.
 */

export interface SwitchRoleValues {
  account?: string;
  roleName?: string;
  displayName?: string;
  colour?: string;
}

export type SwitchRoleErrors = Partial<Record<'account' | 'roleName' | 'displayName' | 'colour' | 'form', string>>;

const COLOUR_NAMES: Record<RoleColour, string> = {
  red: 'Red',
  orange: 'Orange',
  yellow: 'Yellow',
  green: 'Green',
  blue: 'Blue',
};

function colourChoice(chosen: string): SafeHtml {
  return html`<fieldset class="choices-list colour-choices">
    <legend>Display colour</legend>
    ${ROLE_COLOURS.map(
      (c) =>
        html`<div class="field checkbox"><input id="f-colour-${c}" name="colour" type="radio" value="${c}"${c === chosen ? html` checked` : ''}><label for="f-colour-${c}"><span class="swatch role-${c}" aria-hidden="true"></span> ${COLOUR_NAMES[c]}</label></div>`,
    )}
  </fieldset>`;
}

function recentRoles(recent: RecentRole[], csrf: string): SafeHtml {
  if (recent.length === 0) return html``;
  return html`<section class="card" aria-labelledby="recent-heading">
  <h2 id="recent-heading">Recently used roles</h2>
  <p class="muted">The last ${recent.length === 1 ? 'role' : `${recent.length} roles`} you switched to in this browser.</p>
  <ul class="plain-list recent-roles">${recent.map(
    (r) =>
      html`<li><form method="post" action="/console/switch-role" class="inline-form">${csrfField(csrf)}
      <input type="hidden" name="account" value="${r.account}"><input type="hidden" name="roleName" value="${r.roleName}"><input type="hidden" name="displayName" value="${r.displayName}"><input type="hidden" name="colour" value="${r.colour}">
      <button type="submit" class="secondary"><span class="swatch role-${r.colour}" aria-hidden="true"></span> ${r.displayName}${screenReaderText(` (role ${r.roleName} in account ${r.account})`)}</button></form></li>`,
  )}</ul>
</section>`;
}

export function switchRolePage(frame: {
  principal: ConsolePrincipal;
  csrf: string;
  recent: RecentRole[];
  values: SwitchRoleValues;
  errors: SwitchRoleErrors;
}): string {
  const { principal, csrf, values, errors } = frame;
  if (principal.type === 'root') {
    return page({
      title: 'Switch role',
      principal,
      csrf,
      body: html`<h1>Switch role</h1>
<section class="card">
  <p>The root user cannot switch roles, as in AWS. Sign in as an IAM user whose policies (or the role's trust policy) allow it to assume the role, then switch from there.</p>
  <p><a href="/console">Back to the console</a></p>
</section>`,
    });
  }
  const switched = principal.switched;
  return page({
    title: 'Switch role',
    principal,
    csrf,
    body: html`<h1>Switch role</h1>
${alertBox(errors.form)}
${recentRoles(frame.recent, csrf)}
<section class="card" aria-labelledby="switch-heading">
  <h2 id="switch-heading">Switch to a role</h2>
  <p class="muted">The console then acts as the role, with the role's permissions only, for up to an hour, until you switch back.${switched ? ` It acts as ${switched.displayName} now; a new switch is made as ${switched.userName}.` : ''} The role's trust policy must allow you to assume it, and for a role of this account so may your own policies (sts:AssumeRole); another account's role needs both.</p>
  <form method="post" action="/console/switch-role" novalidate>
    ${csrfField(csrf)}
    ${field({ label: 'Account ID or alias', name: 'account', value: values.account, error: errors.account, hint: 'The 12-digit ID (dashes allowed) or the alias of the account the role belongs to.' })}
    ${field({ label: 'Role name', name: 'roleName', value: values.roleName, error: errors.roleName, hint: 'The role’s name, with its path when it has one (path/name).' })}
    ${field({ label: 'Display name', name: 'displayName', value: values.displayName, error: errors.displayName, hint: `Optional, up to ${DISPLAY_NAME_MAX} characters: what the banner calls the role (ROLE @ ACCOUNT when empty).`, required: false })}
    ${colourChoice(values.colour ?? 'blue')}
    <button type="submit">Switch role</button>
    <a href="/console" class="cancel">Cancel</a>
  </form>
</section>`,
  });
}
