import type { Principal } from '../identities/principal.ts';
import type { ConsoleAbilities } from '../authz/console-abilities.ts';
import { type SafeHtml, html } from '../shared/html.ts';
import { formatAccountId } from '../shared/validation.ts';
import { remember } from '../shared/remember.ts';
import type { RoleColour } from '../switch-role/role-history.ts';

/** What the banner of a console that switched role shows (README, Roles in the console). */
export interface RoleBanner {
  /** The display name chosen when switching (`ROLE @ ACCOUNT` unless one was given). */
  displayName: string;
  colour: RoleColour;
  roleName: string;
  /** The role's account: its alias, or its ID as people read it. */
  accountRef: string;
  /** The IAM user who signed in and switched. */
  userName: string;
  expiresAt: string;
  /** Whole minutes until the role's credentials expire and the console switches back. */
  minutesLeft: number;
}

export interface PageOptions {
  title: string;
  body: SafeHtml;
  /** The signed-in principal, for the header; absent on sign-in pages. */
  principal?: (Principal & { abilities?: ConsoleAbilities; switched?: RoleBanner | undefined }) | null;
  /** CSRF token for the sign-out form in the header. */
  csrf?: string;
  /** Extra elements for `<head>` (e.g. a refresh). */
  head?: SafeHtml;
}

export function page(options: PageOptions): string {
  const { principal } = options;
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · Gatehouse</title>
<link rel="stylesheet" href="/static/gatehouse.css">
${options.head ?? ''}
</head>
<body>
<header class="top">
  <a class="brand" href="${principal ? '/console' : '/signin'}">Gatehouse</a>
  ${principal ? signedInHeader(principal, options.csrf ?? '') : ''}
</header>
<main id="main">
${options.body}
</main>
</body>
</html>
`.value;
}

function signedInHeader(
  principal: Principal & { abilities?: ConsoleAbilities; switched?: RoleBanner | undefined },
  csrf: string,
): SafeHtml {
  const { switched } = principal;
  const who = principal.type === 'root' ? 'Root user' : (switched?.userName ?? principal.name);
  return html`${consoleNav(principal.abilities ?? {}, switched !== undefined)}
  <div class="who">
    <span>${who}${switched ? '' : html` @ ${principal.accountAlias ?? formatAccountId(principal.accountId)}`}</span>
    ${principal.type === 'root' ? '' : html`<a href="/console/switch-role">Switch role</a>`}
    <form method="post" action="/signout"><input type="hidden" name="_csrf" value="${csrf}"><button class="link">Sign out</button></form>
  </div>
  ${switched ? roleBanner(switched, csrf) : ''}`;
}

/** The header's links to administration pages, each shown when the principal has its ability. */
const NAV_LINKS: ReadonlyArray<readonly [keyof ConsoleAbilities, SafeHtml]> = [
  ['users', html`<a href="/console/users">Users</a>`],
  ['groups', html`<a href="/console/groups">Groups</a>`],
  ['roles', html`<a href="/console/roles">Roles</a>`],
  ['policies', html`<a href="/console/policies">Policies</a>`],
  ['oidcClients', html`<a href="/console/applications">Applications</a>`],
  ['passwordPolicy', html`<a href="/console/password-policy">Password policy</a>`],
  ['accountAlias', html`<a href="/console/account-alias">Account alias</a>`],
  ['activity', html`<a href="/console/activity">Activity</a>`],
];

/** The header's navigation for each set of abilities (and whether the console switched role), rendered once. */
const navs = new Map<string, SafeHtml>();

function consoleNav(can: Partial<ConsoleAbilities>, switched: boolean): SafeHtml {
  const shown = `${switched ? 's' : ''}${NAV_LINKS.map(([ability]) => (can[ability] ? '1' : '0')).join('')}`;
  return remember(
    navs,
    shown,
    () => html`<nav aria-label="Console">
    <a href="/console">Console</a>
    ${switched ? '' : html`<a href="/console/security-credentials">Security credentials</a>`}
    ${NAV_LINKS.map(([ability, link], i) => html`${i > 0 ? '\n    ' : ''}${can[ability] ? link : ''}`)}
  </nav>`,
  );
}

/** The strip a switched console shows on every page: which role, in which account, for how long, and the way back. */
function roleBanner(b: RoleBanner, csrf: string): SafeHtml {
  const left = b.minutesLeft < 1 ? 'less than a minute left' : `${b.minutesLeft} min left`;
  return html`<div class="role-banner role-${b.colour}">
    <p><strong>${b.displayName}</strong> <span>Role ${b.roleName} @ ${b.accountRef}</span> <span><time datetime="${b.expiresAt}">${left}</time></span></p>
    <form method="post" action="/console/switch-role/back"><input type="hidden" name="_csrf" value="${csrf}"><button type="submit" class="secondary">Switch back to ${b.userName}</button></form>
  </div>`;
}

export interface FieldOptions {
  label: string;
  name: string;
  type?: 'text' | 'email' | 'password' | 'hidden';
  value?: string;
  error?: string | undefined;
  hint?: string;
  autocomplete?: string;
  required?: boolean;
  autofocus?: boolean;
  /** `numeric` for codes made of digits only: phones show their number pad. */
  inputmode?: 'numeric';
}

/** A labelled input whose error and hint are tied to it for screen readers. */
export function field(o: FieldOptions): SafeHtml {
  const id = `f-${o.name}`;
  const described = [o.hint ? `${id}-hint` : '', o.error ? `${id}-error` : ''].filter(Boolean).join(' ');
  return html`<div class="field${o.error ? ' has-error' : ''}">
  <label for="${id}">${o.label}</label>
  ${o.hint ? html`<p class="hint" id="${id}-hint">${o.hint}</p>` : ''}
  ${o.error ? html`<p class="error" id="${id}-error">${o.error}</p>` : ''}
  <input id="${id}" name="${o.name}" type="${o.type ?? 'text'}" value="${o.value ?? ''}"${o.autocomplete ? html` autocomplete="${o.autocomplete}"` : ''}${o.required === false ? '' : html` required`}${o.autofocus ? html` autofocus` : ''}${o.inputmode ? html` inputmode="${o.inputmode}"` : ''}${described ? html` aria-describedby="${described}"` : ''}${o.error ? html` aria-invalid="true"` : ''} spellcheck="false" autocapitalize="none">
</div>`;
}

export function checkbox(o: { label: string; name: string; checked?: boolean; hint?: string }): SafeHtml {
  const id = `f-${o.name}`;
  return html`<div class="field checkbox">
  <input id="${id}" name="${o.name}" type="checkbox" value="on"${o.checked ? html` checked` : ''}>
  <label for="${id}">${o.label}</label>
  ${o.hint ? html`<p class="hint">${o.hint}</p>` : ''}
</div>`;
}

export function csrfField(token: string): SafeHtml {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

/** The alert at the top of a form; focusable so screen readers announce it. */
export function alertBox(message: string | undefined, kind: 'error' | 'success' | 'warning' = 'error'): SafeHtml {
  if (!message) return html``;
  return html`<div class="alert alert-${kind}" role="${kind === 'error' ? 'alert' : 'status'}" tabindex="-1">${message}</div>`;
}

/** An ARN that may wrap after each `:` and `/`, never in the middle of a name. */
export function arnText(arn: string): SafeHtml {
  return html`<span class="arn">${arn.split(/(?<=[:/])/).map((part, i) => (i === 0 ? part : html`<wbr>${part}`))}</span>`;
}

/**
 * A table that scrolls sideways inside its card on a narrow screen, instead of widening
 * the page. The region is named and focusable, so a keyboard can scroll it too.
 */
export function scrollingTable(label: string, table: SafeHtml): SafeHtml {
  return html`<div class="table-scroll" role="region" aria-label="${label}" tabindex="0">${table}</div>`;
}

export function relativeTime(iso: string, now: Date): string {
  const seconds = Math.round((now.getTime() - new Date(iso).getTime()) / 1000);
  if (seconds < 60) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}
