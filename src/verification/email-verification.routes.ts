import type { FastifyInstance } from 'fastify';
import { noSession, rootOnly } from '../authz/console-access.ts';
import { linkInvalidPage } from '../recovery/recovery.pages.ts';
import { pageRoutes, redirect, withStatus } from '../web/page-route.ts';
import type { WebContext } from '../web/web-context.ts';
import { confirmEmailPage, emailChangePage, emailConfirmedPage } from './email-verification.pages.ts';
import { confirmEmailLink, inspectEmailLink, requestRootEmailChange } from './email-verification.service.ts';

const EMAIL_LINK = noSession('The link itself proves the mailbox: whoever opens it may confirm the address it names.');

const ROOT_EMAIL = rootOnly(
  "The root user email address is the root user's own sign-in name; no IAM action covers it.",
);

/** Confirming an address by link (sign-up and root email change), and asking for an email change. */
export async function emailVerificationRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);

  // The link only shows a button: a mail scanner that follows it confirms nothing.
  pages.get('/verify-email', { access: EMAIL_LINK }, async (p) => {
    const token = typeof p.query.token === 'string' ? p.query.token : '';
    const link = await inspectEmailLink(p.deps, token);
    if (!link) return withStatus(400, linkInvalidPage());
    return confirmEmailPage(p.csrf, token, link);
  });

  pages.post('/verify-email', { access: EMAIL_LINK, form: { token: { max: 200 } } }, async (p) => {
    const result = await confirmEmailLink(p.deps, p.form.token, p.meta);
    if (result === 'invalid') return withStatus(400, linkInvalidPage());
    return emailConfirmedPage(result);
  });

  pages.get('/console/email', { access: ROOT_EMAIL }, (p) =>
    emailChangePage(p.who.principal, p.csrf, {}, p.query.done === 'sent' ? 'sent' : undefined),
  );

  pages.post(
    '/console/email',
    {
      access: ROOT_EMAIL,
      form: { newEmail: { max: 254 }, currentPassword: { max: 1024 } },
      redisplay: (p, error) => {
        if (error.code === 'AccessDenied') return undefined;
        const key = (['newEmail', 'currentPassword'] as const).find((f) => f === error.field) ?? 'form';
        // A wrong current password is a mistake in the form, not a failed sign-in.
        return withStatus(
          error.status === 401 ? 400 : error.status,
          emailChangePage(p.who.principal, p.csrf, { [key]: error.message }, undefined, p.form.newEmail),
        );
      },
    },
    async (p) => {
      await requestRootEmailChange(p.deps, p.who.principal, p.form.currentPassword, p.form.newEmail, p.meta);
      return redirect('/console/email?done=sent');
    },
  );
}
