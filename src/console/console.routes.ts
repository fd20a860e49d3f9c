import type { FastifyInstance, FastifyReply } from 'fastify';
import { mayAdministerUsers } from '../authz/interim.ts';
import { GatehouseError } from '../shared/errors.ts';
import { html } from '../shared/html.ts';
import { changeOwnPassword } from '../users/user.service.ts';
import { readForm } from '../web/forms.ts';
import { requireSignIn } from '../web/guard.ts';
import { alertBox, csrfField, field, formatAccountId, page } from '../web/layout.ts';
import { metaOf } from '../web/request-meta.ts';
import type { SignedIn, WebContext } from '../web/web-context.ts';

type PasswordErrors = Partial<Record<'currentPassword' | 'newPassword' | 'confirmPassword' | 'form', string>>;

const NOTICES: Record<string, string> = {
  'password-changed': 'Your password was changed. Your other sessions were signed out.',
};

/** The console shell: who you are, and your own security credentials. */
export async function consoleRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const send = (reply: FastifyReply, status: number, body: string) => reply.status(status).type('text/html; charset=utf-8').send(body);

  app.get('/console', async (request, reply) => {
    const who = await requireSignIn(web, request, reply);
    if (!who) return reply;
    const { principal } = who;
    const csrf = web.csrfToken(request, reply);
    return send(
      reply,
      200,
      page({
        title: 'Console',
        principal,
        csrf,
        body: html`<h1>Console</h1>
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
    ${mayAdministerUsers(principal) ? html`<li><a href="/console/users">Users</a>: create users, set and reset their passwords.</li>` : ''}
  </ul>
</section>`,
      }),
    );
  });

  app.get<{ Querystring: { done?: string } }>('/console/security-credentials', async (request, reply) => {
    const who = await requireSignIn(web, request, reply);
    if (!who) return reply;
    const notice = NOTICES[request.query.done ?? ''];
    return send(reply, 200, credentialsPage(who, web.csrfToken(request, reply), {}, false, notice));
  });

  app.get('/console/change-password', async (request, reply) => {
    const who = await requireSignIn(web, request, reply, { allowRestricted: true });
    if (!who) return reply;
    return send(reply, 200, credentialsPage(who, web.csrfToken(request, reply), {}, who.session.restriction !== null));
  });

  app.post('/console/change-password', async (request, reply) => {
    web.assertCsrf(request);
    const who = await requireSignIn(web, request, reply, { allowRestricted: true });
    if (!who) return reply;
    const form = readForm(request, {
      currentPassword: { max: 1024 },
      newPassword: { max: 1024 },
      confirmPassword: { max: 1024 },
    });
    const forced = who.session.restriction !== null;
    const csrf = web.csrfToken(request, reply);
    if (form.newPassword !== form.confirmPassword) {
      return send(reply, 400, credentialsPage(who, csrf, { confirmPassword: 'The new passwords do not match.' }, forced));
    }
    try {
      await changeOwnPassword(web.deps, who.principal, form.currentPassword, form.newPassword, who.session.id, metaOf(request));
    } catch (error) {
      if (error instanceof GatehouseError && error.safe && error.status < 500) {
        const key = (['currentPassword', 'newPassword'] as const).find((f) => f === error.field) ?? 'form';
        return send(reply, error.status === 401 ? 400 : error.status, credentialsPage(who, csrf, { [key]: error.message }, forced));
      }
      throw error;
    }
    return reply.redirect(forced ? '/console' : '/console/security-credentials?done=password-changed', 303);
  });
}

function credentialsPage(who: SignedIn, csrf: string, errors: PasswordErrors, forced: boolean, notice?: string): string {
  const { principal } = who;
  return page({
    title: forced ? 'Change your password' : 'Security credentials',
    principal,
    csrf,
    body: html`<h1>${forced ? 'Change your password' : 'Security credentials'}</h1>
${forced ? alertBox('Your administrator requires you to choose a new password before you continue.', 'warning') : ''}
${alertBox(notice, 'success')}
<section class="card">
  <h2>Password</h2>
  ${alertBox(errors.form)}
  <form method="post" action="/console/change-password" novalidate>
    ${csrfField(csrf)}
    ${field({ label: 'Current password', name: 'currentPassword', type: 'password', autocomplete: 'current-password', error: errors.currentPassword })}
    ${field({ label: 'New password', name: 'newPassword', type: 'password', autocomplete: 'new-password', error: errors.newPassword, hint: 'At least 8 characters; a long passphrase is best.' })}
    ${field({ label: 'Confirm new password', name: 'confirmPassword', type: 'password', autocomplete: 'new-password', error: errors.confirmPassword })}
    <button type="submit">Change password</button>
  </form>
  <p class="muted">Changing your password signs out your other sessions.</p>
</section>`,
  });
}
