import type { FastifyInstance, FastifyReply } from 'fastify';
import { type AccessDecision, decideAccess, permission } from '../authz/console-access.ts';
import { signedInPrincipal } from '../authz/console-resources.ts';
import { ownPasswordRefusal } from '../policies/own-password-refusal.ts';
import { type OwnPasswordStatus, getOwnPasswordStatus } from '../password-policy/password-policy.service.ts';
import { describeRules } from '../passwords/password-rules.ts';
import { GatehouseError } from '../shared/errors.ts';
import { type SafeHtml, html } from '../shared/html.ts';
import { ownEntry } from '../shared/own-entry.ts';
import { changeOwnPassword } from '../users/user.service.ts';
import { rootEmailCard } from '../verification/email-verification.pages.ts';
import { readForm } from '../web/forms.ts';
import { requireSignIn, signedInOf } from '../web/guard.ts';
import { formatAccountId } from '../shared/validation.ts';
import { alertBox, csrfField, field, page } from '../web/layout.ts';
import { metaOf } from '../web/request-meta.ts';
import { MFA_NOTICES, mfaCredentialsSection, mfaNudge } from '../mfa/mfa-console.pages.ts';
import { loadMfaCredentials, loadMfaHelpRequests, loadMfaNudge } from '../mfa/mfa-console.service.ts';
import { mfaHelpRequestsNotice } from '../mfa/mfa-help-request.pages.ts';
import { loadOwnAccessKeys } from '../access-keys/access-key-access.ts';
import { ownAccessKeysCard } from '../access-keys/access-key.pages.ts';
import { consoleNoticesSection } from '../activity/activity.pages.ts';
import { loadConsoleNotices } from '../activity/activity.service.ts';
import { undeliveredMailCard } from '../mail/mail-console.pages.ts';
import { undeliveredMailOf } from '../mail/outbox.service.ts';
import type { SignedIn, WebContext } from '../web/web-context.ts';

type PasswordErrors = Partial<Record<'currentPassword' | 'newPassword' | 'confirmPassword' | 'form', string>>;

const NOTICES: Record<string, string> = {
  'password-changed': 'Your password was changed. Your other sessions were signed out.',
  ...MFA_NOTICES,
};

/**
 * Changing your own password: iam:ChangePassword on yourself, as the Query API decides it
 * (the password policy's AllowUsersToChangePassword grants it to every user). A change
 * Gatehouse forces is allowed without it, and is open to the restricted session.
 */
export const CHANGE_OWN_PASSWORD = permission(
  {
    action: 'iam:ChangePassword',
    resource: signedInPrincipal,
    waiver: {
      reason:
        'A change Gatehouse forces (after an administrator reset, or an expired password) is always allowed: refusing it would lock the person out.',
      applies: async (who, deps) => (await getOwnPasswordStatus(deps, who.principal)).forced,
    },
    explain: (result, who, deps) => ownPasswordRefusal(deps, who.principal.accountId, result),
  },
  { allowRestricted: true },
);

/** The console shell: who you are, and your own security credentials. */
export async function consoleRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const send = (reply: FastifyReply, status: number, body: string) =>
    reply.status(status).type('text/html; charset=utf-8').send(body);

  app.get('/console', async (request, reply) => {
    const who = await requireSignIn(web, request, reply);
    if (!who) return reply;
    const { principal } = who;
    const csrf = web.csrfToken(request, reply);
    const status = await getOwnPasswordStatus(web.deps, principal);
    const password = await decideAccess(web.deps, who, CHANGE_OWN_PASSWORD);
    const now = web.deps.clock.now();
    const nudge = mfaNudge(await loadMfaNudge(web.deps, principal, who.mfaEnabled));
    const notices = await loadConsoleNotices(web.deps, who);
    const mfaHelp = notices.administers
      ? mfaHelpRequestsNotice(await loadMfaHelpRequests(web.deps, who), csrf, now)
      : html``;
    const activityNotices = consoleNoticesSection(notices, mfaHelp, csrf, now);
    const undeliveredMail = undeliveredMailCard(await undeliveredMailOf(web.deps, principal));
    return send(
      reply,
      200,
      page({
        title: 'Console',
        principal,
        csrf,
        body: html`<h1>Console</h1>
${expiryWarning(status, password.allowed)}
${nudge}
${activityNotices}
${undeliveredMail}
<section class="card">
  <h2>Signed in as</h2>
  <dl class="facts">
    <dt>Account ID</dt><dd>${formatAccountId(principal.accountId)}</dd>
    <dt>Account alias</dt><dd>${principal.accountAlias ?? '—'}</dd>
    <dt>Account name</dt><dd>${principal.accountName}</dd>
    <dt>Identity</dt><dd>${principal.type === 'root' ? `Root user (${principal.email})` : `IAM user ${principal.name}`}</dd>
    <dt>ARN</dt><dd>${principal.arn}</dd>
  </dl>
  <p class="links">IAM users of this account sign in at <a href="/signin/${principal.accountAlias ?? principal.accountId}">${web.origin}/signin/${principal.accountAlias ?? principal.accountId}</a></p>
</section>
<section class="card">
  <h2>Manage</h2>
  <ul>
    <li><a href="/console/security-credentials">Security credentials</a>: change your password.</li>
    <li><a href="/console/recent-activity">Recent activity</a>: your sign-ins, failed attempts and credential changes.</li>
    ${principal.abilities.activity ? html`<li><a href="/console/activity">Activity</a>: the account's audit trail, support references, export.</li>` : ''}
    ${principal.abilities.credentialReport ? html`<li><a href="/console/credential-report.csv">Credential report (CSV)</a>: every user's credentials and their last use.</li>` : ''}
    ${principal.abilities.users ? html`<li><a href="/console/users">Users</a>: create users, set and reset their passwords.</li>` : ''}
    ${principal.abilities.passwordPolicy ? html`<li><a href="/console/password-policy">Password policy</a>: password rules, expiry and reuse for IAM users.</li>` : ''}
    ${principal.abilities.accountAlias ? html`<li><a href="/console/account-alias">Account alias</a>: the name in the IAM user sign-in address.</li>` : ''}
    ${principal.abilities.simulator ? html`<li><a href="/console/policy-simulator">Policy simulator</a>: can this user do X?</li>` : ''}
  </ul>
</section>`,
      }),
    );
  });

  app.get<{ Querystring: { done?: string } }>('/console/security-credentials', async (request, reply) => {
    const who = await requireSignIn(web, request, reply);
    if (!who) return reply;
    const notice = ownEntry(NOTICES, request.query.done);
    const status = await getOwnPasswordStatus(web.deps, who.principal);
    const csrf = web.csrfToken(request, reply);
    const now = web.deps.clock.now();
    const mfa = mfaCredentialsSection(await loadMfaCredentials(web.deps, who), who.principal, csrf, now);
    const keys = ownAccessKeysCard(await loadOwnAccessKeys(web.deps, who), who.principal, csrf, now);
    const password = await decideAccess(web.deps, who, CHANGE_OWN_PASSWORD);
    return send(reply, 200, credentialsPage(who, csrf, {}, false, status, password, notice, html`${mfa}${keys}`));
  });

  app.get('/console/change-password', async (request, reply) => {
    const who = await requireSignIn(web, request, reply, { allowRestricted: true });
    if (!who) return reply;
    const status = await getOwnPasswordStatus(web.deps, who.principal);
    const password = await decideAccess(web.deps, who, CHANGE_OWN_PASSWORD);
    return send(
      reply,
      200,
      credentialsPage(who, web.csrfToken(request, reply), {}, who.session.restriction !== null, status, password),
    );
  });

  app.post('/console/change-password', { config: { access: CHANGE_OWN_PASSWORD } }, async (request, reply) => {
    const who = signedInOf(request);
    const form = readForm(request, {
      currentPassword: { max: 1024 },
      newPassword: { max: 1024 },
      confirmPassword: { max: 1024 },
    });
    const forced = who.session.restriction !== null;
    const csrf = web.csrfToken(request, reply);
    const status = await getOwnPasswordStatus(web.deps, who.principal);
    // Declared access let the request through: the form is the one to show again.
    const allowed: AccessDecision = { allowed: true };
    if (form.newPassword !== form.confirmPassword) {
      return send(
        reply,
        400,
        credentialsPage(who, csrf, { confirmPassword: 'The new passwords do not match.' }, forced, status, allowed),
      );
    }
    try {
      await changeOwnPassword(
        web.deps,
        who.principal,
        form.currentPassword,
        form.newPassword,
        who.session.id,
        metaOf(request),
      );
    } catch (error) {
      if (error instanceof GatehouseError && error.safe && error.status < 500) {
        const key = (['currentPassword', 'newPassword'] as const).find((f) => f === error.field) ?? 'form';
        return send(
          reply,
          error.status === 401 ? 400 : error.status,
          credentialsPage(who, csrf, { [key]: error.message }, forced, status, allowed),
        );
      }
      throw error;
    }
    return reply.redirect(forced ? '/console' : '/console/security-credentials?done=password-changed', 303);
  });
}

/** The console-wide reminder, shown in the last days before the password expires. */
function expiryWarning(status: OwnPasswordStatus, mayChange: boolean) {
  const expiry = status.expiry;
  if (!expiry || (!expiry.warn && !expiry.expired)) return html``;
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

function credentialsPage(
  who: SignedIn,
  csrf: string,
  errors: PasswordErrors,
  forced: boolean,
  status: OwnPasswordStatus,
  /** CHANGE_OWN_PASSWORD decided for this request: the form, or why not and how to allow it. */
  password: AccessDecision,
  notice?: string,
  /** Further cards (MFA) under the password card. */
  more?: SafeHtml,
): string {
  const { principal } = who;
  const forcedMessage = status.expiry?.expired
    ? 'Your password has expired. Choose a new password before you continue.'
    : 'Your administrator requires you to choose a new password before you continue.';
  return page({
    title: forced ? 'Change your password' : 'Security credentials',
    principal,
    csrf,
    body: html`<h1>${forced ? 'Change your password' : 'Security credentials'}</h1>
${forced ? alertBox(forcedMessage, 'warning') : expiryWarning(status, password.allowed)}
${alertBox(notice, 'success')}
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
${more ?? ''}`,
  });
}
