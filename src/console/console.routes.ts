import type { FastifyInstance } from 'fastify';
import { decideAccess, mayUse, ownCredentials, ownSession, permission } from '../authz/console-access.ts';
import { signedInPrincipal } from '../authz/console-resources.ts';
import { ownPasswordRefusal } from '../policies/own-password-refusal.ts';
import { getOwnPasswordStatus } from '../password-policy/password-policy.service.ts';
import { invalid } from '../shared/errors.ts';
import { html } from '../shared/html.ts';
import { ownEntry } from '../shared/own-entry.ts';
import { changeOwnPassword } from '../users/user.service.ts';
import { pageRoutes, redirect, withStatus } from '../web/page-route.ts';
import { MFA_NOTICES, mfaCredentialsSection } from '../mfa/mfa-console.pages.ts';
import { loadMfaCredentials, loadMfaHelpRequests, loadMfaNudge } from '../mfa/mfa-console.service.ts';
import { loadOwnAccessKeys } from '../access-keys/access-key-access.ts';
import { ownAccessKeysCard } from '../access-keys/access-key.pages.ts';
import { loadConsoleNotices } from '../activity/activity.service.ts';
import { undeliveredMailOf } from '../mail/outbox.service.ts';
import type { WebContext } from '../web/web-context.ts';
import { consoleHomePage, credentialsPage, expiryWarningShows } from './console.pages.ts';

const NOTICES: Record<string, string> = {
  'password-changed': 'Your password was changed. Your other sessions were signed out.',
  ...MFA_NOTICES,
};

/**
 * Changing your own password: iam:ChangePassword on yourself, as the Query API decides it
 * (the password policy's AllowUsersToChangePassword grants it to every user). A change
 * Gatehouse forces is allowed without it, and is open to the restricted session.
 */
export const CHANGE_OWN_PASSWORD = ownCredentials(
  permission(
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
  ),
);

const HOME = ownSession(
  'The console home shows the signed-in principal its own account and identity; each form on it is decided by its own permission.',
);

const OWN_CREDENTIALS_PAGE = ownCredentials(
  ownSession(
    'Security credentials shows the signed-in principal its own credentials; each form on it is decided by its own permission.',
  ),
);

/**
 * The change-password page, open also to a session that must change its password first.
 * Seeing it needs no IAM action: it shows the form exactly when CHANGE_OWN_PASSWORD allows
 * the change, and otherwise says why.
 */
const CHANGE_PASSWORD_PAGE = ownCredentials(
  ownSession(
    'The change-password page shows the signed-in principal whether it may change its own password, and the form when it may.',
    { allowRestricted: true },
  ),
);

/** The console shell: who you are, and your own security credentials. */
export async function consoleRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);

  pages.get('/console', { access: HOME }, async (p) => {
    const { principal } = p.who;
    const notices = await loadConsoleNotices(p.deps, principal, principal.abilities.users);
    const status = await getOwnPasswordStatus(p.deps, principal);
    return consoleHomePage({
      principal,
      csrf: p.csrf,
      origin: web.origin,
      now: p.deps.clock.now(),
      status,
      // Asked only when the expiry warning shows: it says how to change the password.
      mayChangePassword: expiryWarningShows(status) && (await mayUse(p.deps, p.who, CHANGE_OWN_PASSWORD)),
      nudge: await loadMfaNudge(p.deps, principal, p.who.mfaEnabled),
      notices,
      mfaHelpRequests: notices.administers ? await loadMfaHelpRequests(p.deps, p.who) : [],
      undeliveredMail: await undeliveredMailOf(p.deps, principal),
    });
  });

  pages.get('/console/security-credentials', { access: OWN_CREDENTIALS_PAGE }, async (p) => {
    const { principal } = p.who;
    const now = p.deps.clock.now();
    const mfa = mfaCredentialsSection(await loadMfaCredentials(p.deps, p.who), principal, p.csrf, now);
    const keys = ownAccessKeysCard(await loadOwnAccessKeys(p.deps, p.who), principal, p.csrf, now);
    return credentialsPage({
      principal,
      csrf: p.csrf,
      errors: {},
      forced: false,
      status: await getOwnPasswordStatus(p.deps, principal),
      password: await decideAccess(p.deps, p.who, CHANGE_OWN_PASSWORD),
      notice: ownEntry(NOTICES, p.query.done),
      more: html`${mfa}${keys}`,
    });
  });

  pages.get('/console/change-password', { access: CHANGE_PASSWORD_PAGE }, async (p) =>
    credentialsPage({
      principal: p.who.principal,
      csrf: p.csrf,
      errors: {},
      forced: p.who.session.restriction !== null,
      status: await getOwnPasswordStatus(p.deps, p.who.principal),
      password: await decideAccess(p.deps, p.who, CHANGE_OWN_PASSWORD),
    }),
  );

  pages.post(
    '/console/change-password',
    {
      access: CHANGE_OWN_PASSWORD,
      form: { currentPassword: { max: 1024 }, newPassword: { max: 1024 }, confirmPassword: { max: 1024 } },
      redisplay: async (p, error) => {
        const key = (['currentPassword', 'newPassword', 'confirmPassword'] as const).find((f) => f === error.field);
        // A wrong current password is a mistake in the form, not a failed sign-in.
        return withStatus(
          error.status === 401 ? 400 : error.status,
          credentialsPage({
            principal: p.who.principal,
            csrf: p.csrf,
            errors: { [key ?? 'form']: error.message },
            forced: p.who.session.restriction !== null,
            status: await getOwnPasswordStatus(p.deps, p.who.principal),
            // The declared access let the request through: the form is the one to show again.
            password: { allowed: true },
          }),
        );
      },
    },
    async (p) => {
      const { currentPassword, newPassword, confirmPassword } = p.form;
      if (newPassword !== confirmPassword) throw invalid('confirmPassword', 'The new passwords do not match.');
      const forced = p.who.session.restriction !== null;
      await changeOwnPassword(p.deps, p.who.principal, currentPassword, newPassword, p.who.session.id, p.meta);
      return redirect(forced ? '/console' : '/console/security-credentials?done=password-changed');
    },
  );
}
