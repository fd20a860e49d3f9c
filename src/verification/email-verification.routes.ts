import type { FastifyInstance, FastifyReply } from 'fastify';
import { linkInvalidPage } from '../recovery/recovery.pages.ts';
import { GatehouseError } from '../shared/errors.ts';
import { html } from '../shared/html.ts';
import { readForm } from '../web/forms.ts';
import { rootOnly } from '../authz/console-access.ts';
import { requireSignIn, signedInOf } from '../web/guard.ts';
import { alertBox, csrfField, field, page } from '../web/layout.ts';
import { metaOf } from '../web/request-meta.ts';
import type { SignedIn, WebContext } from '../web/web-context.ts';
import { confirmEmailLink, inspectEmailLink, requestRootEmailChange } from './email-verification.service.ts';

type EmailErrors = Partial<Record<'newEmail' | 'currentPassword' | 'form', string>>;

/** Confirming an address by link (sign-up and root email change), and asking for an email change. */
export async function emailVerificationRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const send = (reply: FastifyReply, status: number, body: string) =>
    reply.status(status).type('text/html; charset=utf-8').send(body);

  // The link only shows a button: a mail scanner that follows it confirms nothing.
  app.get<{ Querystring: { token?: string } }>('/verify-email', async (request, reply) => {
    const token = typeof request.query.token === 'string' ? request.query.token : '';
    const link = await inspectEmailLink(web.deps, token);
    if (!link) return send(reply, 400, linkInvalidPage());
    const csrf = web.csrfToken(request, reply);
    const what =
      link.kind === 'change'
        ? 'Sign in as the root user with this address from now on:'
        : 'Confirm that this address is yours:';
    return send(
      reply,
      200,
      page({
        title: 'Confirm your email address',
        body: html`<section class="card narrow">
  <h1>Confirm your email address</h1>
  <p>${what} <strong>${link.email}</strong></p>
  <form method="post" action="/verify-email">
    ${csrfField(csrf)}
    <input type="hidden" name="token" value="${token}">
    <button type="submit">Confirm</button>
  </form>
</section>`,
      }),
    );
  });

  app.post('/verify-email', async (request, reply) => {
    web.assertCsrf(request);
    const form = readForm(request, { token: { max: 200 } });
    const result = await confirmEmailLink(web.deps, form.token, metaOf(request));
    if (result === 'invalid') return send(reply, 400, linkInvalidPage());
    const message =
      result.kind === 'change'
        ? `Your root user now signs in with ${result.email}. We told your previous address.`
        : `Thank you: ${result.email} is confirmed.`;
    return send(
      reply,
      200,
      page({
        title: 'Email address confirmed',
        body: html`<section class="card narrow"><h1>Email address confirmed</h1>${alertBox(message, 'success')}<p><a class="button" href="/signin?choose=1">Sign in</a></p></section>`,
      }),
    );
  });

  app.get<{ Querystring: { done?: string } }>('/console/email', async (request, reply) => {
    const who = await requireSignIn(web, request, reply);
    if (!who) return reply;
    const sentTo = request.query.done === 'sent' ? 'sent' : undefined;
    return send(reply, 200, emailChangePage(who, web.csrfToken(request, reply), {}, sentTo));
  });

  const rootEmail = rootOnly(
    "The root user email address is the root user's own sign-in name; no IAM action covers it.",
  );
  app.post('/console/email', { config: { access: rootEmail } }, async (request, reply) => {
    const who = signedInOf(request);
    const form = readForm(request, { newEmail: { max: 254 }, currentPassword: { max: 1024 } });
    try {
      await requestRootEmailChange(web.deps, who.principal, form.currentPassword, form.newEmail, metaOf(request));
    } catch (error) {
      if (error instanceof GatehouseError && error.safe && error.status < 500 && error.code !== 'AccessDenied') {
        const key = (['newEmail', 'currentPassword'] as const).find((f) => f === error.field) ?? 'form';
        return send(
          reply,
          error.status === 401 ? 400 : error.status,
          emailChangePage(who, web.csrfToken(request, reply), { [key]: error.message }, undefined, form.newEmail),
        );
      }
      throw error;
    }
    return reply.redirect('/console/email?done=sent', 303);
  });
}

function emailChangePage(who: SignedIn, csrf: string, errors: EmailErrors, done?: string, newEmail?: string): string {
  const { principal } = who;
  if (principal.type !== 'root') {
    throw new GatehouseError('AccessDenied', 'Only the root user can change the root user email address.');
  }
  return page({
    title: 'Root user email address',
    principal,
    csrf,
    body: html`<h1>Root user email address</h1>
${done ? alertBox('We sent a confirmation link to the new address, and told your current address. The change happens when the link is opened; it works for 24 hours.', 'success') : ''}
<section class="card">
  <p>You sign in with <strong>${principal.email}</strong>. Mail about the account goes there.</p>
  ${alertBox(errors.form)}
  <form method="post" action="/console/email" novalidate>
    ${csrfField(csrf)}
    ${field({ label: 'New email address', name: 'newEmail', type: 'email', autocomplete: 'email', value: newEmail, error: errors.newEmail })}
    ${field({ label: 'Current password', name: 'currentPassword', type: 'password', autocomplete: 'current-password', error: errors.currentPassword })}
    <button type="submit">Send confirmation link</button>
  </form>
  <p class="muted">Nothing changes until the new address confirms. If that address is already used by another account, no link is sent.</p>
</section>`,
  });
}
