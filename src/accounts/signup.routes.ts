import type { FastifyInstance } from 'fastify';
import { CLI_ACTOR, type Actor } from '../audit/audit.service.ts';
import { GatehouseError } from '../shared/errors.ts';
import { html } from '../shared/html.ts';
import { readForm } from '../web/forms.ts';
import { alertBox, csrfField, field, page } from '../web/layout.ts';
import { metaOf } from '../web/request-meta.ts';
import type { WebContext } from '../web/web-context.ts';
import { notifySignupAttempt } from '../verification/email-verification.service.ts';
import { createAccount } from './account.service.ts';

const SIGNUP_ACTOR: Actor = { ...CLI_ACTOR, type: 'anonymous', name: 'sign-up page' };

type Values = { email?: string; name?: string };
type Errors = Partial<Record<'email' | 'name' | 'password' | 'confirm' | 'form', string>>;

function signupPage(csrf: string, values: Values = {}, errors: Errors = {}): string {
  return page({
    title: 'Create an account',
    body: html`<section class="card narrow">
  <h1>Create an account</h1>
  ${alertBox(errors.form)}
  <form method="post" action="/signup" novalidate>
    ${csrfField(csrf)}
    ${field({ label: 'Root user email address', name: 'email', type: 'email', autocomplete: 'email', value: values.email, error: errors.email, hint: 'You will sign in with this address as the root user, the owner of the account.' })}
    ${field({ label: 'Account name', name: 'name', autocomplete: 'organization', value: values.name, error: errors.name })}
    ${field({ label: 'Password', name: 'password', type: 'password', autocomplete: 'new-password', error: errors.password, hint: 'At least 8 characters; a long passphrase is best. Not your email or account name.' })}
    ${field({ label: 'Confirm password', name: 'confirm', type: 'password', autocomplete: 'new-password', error: errors.confirm })}
    <button type="submit">Create account</button>
  </form>
  <p class="links"><a href="/signin">Already have an account? Sign in</a></p>
</section>`,
  });
}

/** `/signup`: create an account and its root user. */
export async function signupRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  app.get('/signup', async (request, reply) =>
    reply.type('text/html; charset=utf-8').send(signupPage(web.csrfToken(request, reply))),
  );

  app.post('/signup', async (request, reply) => {
    web.assertCsrf(request);
    const form = readForm(request, {
      email: { max: 254 },
      name: { max: 50 },
      password: { max: 1024 },
      confirm: { max: 1024 },
    });
    const csrf = web.csrfToken(request, reply);
    const values = { email: form.email, name: form.name };
    reply.type('text/html; charset=utf-8');
    if (form.password !== form.confirm) {
      return reply.status(400).send(signupPage(csrf, values, { confirm: 'The passwords do not match.' }));
    }
    // A new address and one that already has an account get the same page: the account
    // ID goes only to the mailbox (a confirmation for a new account, a "someone tried
    // to sign up" notice to an existing owner), so the form reveals no registered address.
    const checkYourEmail = () =>
      reply.status(201).send(
        page({
          title: 'Check your email',
          body: html`<section class="card narrow">
  <h1>Check your email</h1>
  ${alertBox(`We sent a message to the address you entered about the account ${form.name.trim()}.`, 'success')}
  <p>If the address is new to Gatehouse, your account is ready: the message gives its account ID and a link to confirm your address. If the address already had an account, the message says how to sign in to it instead.</p>
  <p>Sign in as the root user with your email address and password.</p>
  <p><a class="button" href="/signin?choose=1">Sign in</a></p>
</section>`,
        }),
      );
    try {
      await createAccount(
        web.deps,
        { email: form.email, password: form.password, name: form.name },
        SIGNUP_ACTOR,
        metaOf(request),
      );
      return checkYourEmail();
    } catch (error) {
      if (error instanceof GatehouseError && error.code === 'EntityAlreadyExists' && error.field === 'email') {
        await notifySignupAttempt(web.deps, form.email.trim(), metaOf(request));
        return checkYourEmail();
      }
      if (error instanceof GatehouseError && error.safe && error.status < 500) {
        const key = (['email', 'name', 'password'] as const).find((f) => f === error.field) ?? 'form';
        return reply.status(error.status).send(signupPage(csrf, values, { [key]: error.message }));
      }
      throw error;
    }
  });
}
