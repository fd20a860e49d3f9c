import type { AccessDecision } from '../authz/console-access.ts';
import type { ConsoleAbilities } from '../authz/console-abilities.ts';
import type { ConsolePrincipal } from '../web/web-context.ts';
import type { OwnPasswordStatus } from '../password-policy/password-policy.service.ts';
import { describeRules } from '../passwords/password-rules.ts';
import { type SafeHtml, html } from '../shared/html.ts';
import { formatAccountId } from '../shared/validation.ts';
import { remember } from '../shared/remember.ts';
import { rootEmailCard } from '../verification/email-verification.pages.ts';
import { alertBox, csrfField, field, page } from '../web/layout.ts';
import { mfaNudge } from '../mfa/mfa-console.pages.ts';
import type { MfaHelpRequestView, MfaNudge } from '../mfa/mfa-console.service.ts';
import { mfaHelpRequestsNotice } from '../mfa/mfa-help-request.pages.ts';
import { consoleNoticesSection } from '../activity/activity.pages.ts';
import type { ConsoleNotices } from '../activity/activity.service.ts';
import { undeliveredMailCard } from '../mail/mail-console.pages.ts';
import type { UndeliveredMail } from '../mail/outbox.service.ts';

export type PasswordErrors = Partial<Record<'currentPassword' | 'newPassword' | 'confirmPassword' | 'form', string>>;

/** The console home: who you are, what needs your attention, and where to go. */
export function consoleHomePage(view: {
  principal: ConsolePrincipal;
  csrf: string;
  /** The public origin, for the IAM users' sign-in address. */
  origin: string;
  now: Date;
  status: OwnPasswordStatus;
  /** Whether the principal may change its password: read only when the expiry warning shows (`expiryWarningShows`). */
  mayChangePassword: boolean;
  nudge: MfaNudge;
  notices: ConsoleNotices;
  /** The open requests for MFA help, for those who see the account's users. */
  mfaHelpRequests: MfaHelpRequestView[];
  undeliveredMail: UndeliveredMail[];
}): string {
  const { principal, csrf, origin, now } = view;
  const mfaHelp = view.notices.administers ? mfaHelpRequestsNotice(view.mfaHelpRequests, csrf, now) : html``;
  return page({
    title: 'Console',
    principal,
    csrf,
    body: html`<h1>Console</h1>
${expiryWarning(view.status, view.mayChangePassword)}
${mfaNudge(view.nudge)}
${consoleNoticesSection(view.notices, mfaHelp, csrf, now)}
${undeliveredMailCard(view.undeliveredMail)}
<section class="card">
  <h2>Signed in as</h2>
  <dl class="facts">
    <dt>Account ID</dt><dd>${formatAccountId(principal.accountId)}</dd>
    <dt>Account alias</dt><dd>${principal.accountAlias ?? '—'}</dd>
    <dt>Account name</dt><dd>${principal.accountName}</dd>
    <dt>Identity</dt><dd>${identityOf(principal)}</dd>
    <dt>ARN</dt><dd>${principal.arn}</dd>
  </dl>
  <p class="links">IAM users of this account sign in at <a href="/signin/${principal.accountAlias ?? principal.accountId}">${origin}/signin/${principal.accountAlias ?? principal.accountId}</a></p>
</section>
<section class="card">
  <h2>Manage</h2>
  <ul>
    ${
      principal.switched
        ? html`<li>Your own password, MFA devices and access keys: switch back to ${principal.switched.userName} to manage them.</li>`
        : OWN_CREDENTIALS_LINKS
    }
    ${principal.type === 'root' ? '' : SWITCH_ROLE_LINK}
    ${manageLinks(principal.abilities)}
  </ul>
</section>`,
  });
}

const OWN_CREDENTIALS_LINKS = html`<li><a href="/console/security-credentials">Security credentials</a>: change your password.</li>
    <li><a href="/console/recent-activity">Recent activity</a>: your sign-ins, failed attempts and credential changes.</li>`;
const SWITCH_ROLE_LINK = html`<li><a href="/console/switch-role">Switch role</a>: act as a role of this or another account, with its permissions, for up to an hour.</li>`;

/** The Manage card's links to administration pages, each shown when the principal has its ability. */
const MANAGE_LINKS: ReadonlyArray<readonly [keyof ConsoleAbilities, SafeHtml]> = [
  [
    'activity',
    html`<li><a href="/console/activity">Activity</a>: the account's audit trail, support references, export.</li>`,
  ],
  [
    'credentialReport',
    html`<li><a href="/console/credential-report.csv">Credential report (CSV)</a>: every user's credentials and their last use.</li>`,
  ],
  [
    'users',
    html`<li><a href="/console/users">Users</a>: create users and hand over their sign-in details; their permissions, groups, credentials and tags.</li>`,
  ],
  [
    'groups',
    html`<li><a href="/console/groups">Groups</a>: give users permissions together: members, managed and inline policies.</li>`,
  ],
  [
    'roles',
    html`<li><a href="/console/roles">Roles</a>: identities people and programs assume for temporary credentials: who may assume them, and what they allow.</li>`,
  ],
  [
    'policies',
    html`<li><a href="/console/policies">Policies</a>: AWS managed and your own managed policies, their versions and where they are attached.</li>`,
  ],
  [
    'oidcClients',
    html`<li><a href="/console/applications">Applications</a>: web applications people sign in to with Gatehouse (single sign-on): redirect URIs, scopes, secrets.</li>`,
  ],
  [
    'passwordPolicy',
    html`<li><a href="/console/password-policy">Password policy</a>: password rules, expiry and reuse for IAM users.</li>`,
  ],
  [
    'accountAlias',
    html`<li><a href="/console/account-alias">Account alias</a>: the name in the IAM user sign-in address.</li>`,
  ],
  ['simulator', html`<li><a href="/console/policy-simulator">Policy simulator</a>: can this user do X?</li>`],
];

/** The administration links for each set of abilities, rendered once: they depend on nothing else. */
const manageLinksShown = new Map<string, SafeHtml>();

function manageLinks(abilities: ConsoleAbilities): SafeHtml {
  const shown = MANAGE_LINKS.map(([ability]) => (abilities[ability] ? '1' : '0')).join('');
  return remember(
    manageLinksShown,
    shown,
    () =>
      html`${MANAGE_LINKS.map(([ability, link], i) => html`${i > 0 ? '\n    ' : ''}${abilities[ability] ? link : ''}`)}`,
  );
}

/** Who the console acts as, in words. */
function identityOf(principal: ConsolePrincipal): string {
  if (principal.type === 'root') return `Root user (${principal.email})`;
  if (principal.type === 'user') return `IAM user ${principal.name}`;
  const by = principal.switched ? `, switched to by IAM user ${principal.switched.userName}` : '';
  return `Role ${principal.roleName} (session ${principal.name}${by})`;
}

/** Whether the console-wide reminder shows: in the last days before the password expires, and after. */
export function expiryWarningShows(status: OwnPasswordStatus): boolean {
  return status.expiry !== null && (status.expiry.warn || status.expiry.expired);
}

/** The console-wide reminder, shown in the last days before the password expires. */
function expiryWarning(status: OwnPasswordStatus, mayChange: boolean) {
  const expiry = status.expiry;
  if (!expiry || !expiryWarningShows(status)) return html``;
  const action = mayChange
    ? html` <a href="/console/security-credentials">Change it now</a>.`
    : html` Ask an administrator to set a new one.`;
  // Expiry is enforced at sign-in; a session that began before it only gets the reminder.
  if (expiry.expired) {
    return html`<div class="alert alert-warning" role="status">Your password has expired. You will not be able to sign in with it again${expiry.hardExpiry ? ' until an administrator resets it' : ' without choosing a new one'}.${action}</div>`;
  }
  const days = expiry.daysLeft === 1 ? '1 day' : `${expiry.daysLeft} days`;
  return html`<div class="alert alert-warning" role="status">Your password expires in ${days}${expiry.hardExpiry ? ', and then only an administrator can reset it' : ''}.${action}</div>`;
}

/** Security credentials, or the forced password change (`forced`): the password card, and further cards under it. */
export function credentialsPage(view: {
  principal: ConsolePrincipal;
  csrf: string;
  errors: PasswordErrors;
  forced: boolean;
  status: OwnPasswordStatus;
  /** CHANGE_OWN_PASSWORD decided for this request: the form, or why not and how to allow it. */
  password: AccessDecision;
  notice?: string | undefined;
  /** Further cards (MFA, access keys) under the password card. */
  more?: SafeHtml;
}): string {
  const { principal, csrf, errors, forced, status, password } = view;
  const forcedMessage = status.expiry?.expired
    ? 'Your password has expired. Choose a new password before you continue.'
    : 'Your administrator requires you to choose a new password before you continue.';
  return page({
    title: forced ? 'Change your password' : 'Security credentials',
    principal,
    csrf,
    body: html`<h1>${forced ? 'Change your password' : 'Security credentials'}</h1>
${forced ? alertBox(forcedMessage, 'warning') : expiryWarning(status, password.allowed)}
${alertBox(view.notice, 'success')}
<section class="card">
  <h2>Password</h2>
  ${alertBox(errors.form)}
  ${
    password.allowed
      ? html`<form method="post" action="/console/change-password" novalidate>
    ${csrfField(csrf)}
    ${field({ label: 'Current password', name: 'currentPassword', type: 'password', autocomplete: 'current-password', error: errors.currentPassword })}
    ${field({ label: 'New password', name: 'newPassword', type: 'password', autocomplete: 'new-password', error: errors.newPassword, hint: describeRules(status.policy) })}
    ${field({ label: 'Confirm new password', name: 'confirmPassword', type: 'password', autocomplete: 'new-password', error: errors.confirmPassword })}
    <button type="submit">Change password</button>
  </form>
  <p class="muted">Changing your password signs out your other sessions.</p>`
      : html`<p>${password.message}</p>`
  }
</section>
${forced ? '' : rootEmailCard(principal)}
${view.more ?? ''}`,
  });
}
