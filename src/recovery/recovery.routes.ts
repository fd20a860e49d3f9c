import type { FastifyInstance, FastifyReply } from 'fastify';
import { GatehouseError } from '../shared/errors.ts';
import { readForm } from '../web/forms.ts';
import { metaOf } from '../web/request-meta.ts';
import type { WebContext } from '../web/web-context.ts';
import { normaliseEmail } from '../shared/validation.ts';
import { CHECK_FIELD } from '../guard/security-check.ts';
import { passFormGate } from '../web/form-gate.ts';
import { enqueueJob } from '../jobs/job.service.ts';
import { validateHelpRequest } from './help-request.service.ts';
import {
  accountReminderSentPage,
  administratorAskedPage,
  findAccountPage,
  forgotPage,
  helpPage,
  linkInvalidPage,
  resetDonePage,
  resetPage,
  resetRequestedPage,
} from './recovery.pages.ts';
import { completePasswordReset, refuseResetToken, resetTokenUsable } from './recovery.service.ts';

/** A field error the form can show next to its field; anything else goes to the error page. */
function fieldError(
  error: unknown,
  fields: readonly string[],
): { field: string; message: string; status: number } | null {
  if (!(error instanceof GatehouseError) || !error.safe || error.status >= 500) return null;
  const field = fields.find((f) => f === error.field) ?? 'form';
  return { field, message: error.message, status: error.status };
}

/**
 * Recovery pages: forgotten root password (request, then reset by link or code),
 * "which email did I use?", IAM users asking their administrators, and the help page.
 * Request forms answer the same for every address; only a malformed one gets an error.
 * A well-formed request queues one job row, the same whatever it names; the background
 * job runner looks the account up and does the work, never the request.
 */
export async function recoveryRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const send = (reply: FastifyReply, status: number, body: string) =>
    reply.status(status).type('text/html; charset=utf-8').send(body);

  app.get('/signin/help', async (_request, reply) => send(reply, 200, helpPage()));

  app.get<{ Querystring: { account?: string } }>('/signin/forgot', async (request, reply) => {
    const account = typeof request.query.account === 'string' ? request.query.account.slice(0, 64) : undefined;
    return send(
      reply,
      200,
      forgotPage(web.csrfToken(request, reply), account === undefined ? {} : { accountRef: account }),
    );
  });

  app.post('/signin/forgot', async (request, reply) => {
    web.assertCsrf(request);
    const form = readForm(request, { email: { max: 254 }, ...CHECK_FIELD });
    try {
      await passFormGate(web, request, 'recovery');
      const email = normaliseEmail('email', form.email);
      await enqueueJob(web.deps, { kind: 'password-reset-request', input: { email } }, metaOf(request));
    } catch (error) {
      const known = fieldError(error, ['email']);
      if (!known) throw error;
      return send(
        reply,
        known.status,
        forgotPage(web.csrfToken(request, reply), { email: form.email, errors: { [known.field]: known.message } }),
      );
    }
    return send(reply, 200, resetRequestedPage());
  });

  app.post('/signin/forgot/iam', async (request, reply) => {
    web.assertCsrf(request);
    const form = readForm(request, { account: { max: 64 }, userName: { max: 128 }, ...CHECK_FIELD });
    try {
      await passFormGate(web, request, 'recovery');
      const input = validateHelpRequest(form.account, form.userName);
      await enqueueJob(web.deps, { kind: 'password-help-request', input }, metaOf(request));
    } catch (error) {
      const known = fieldError(error, ['account', 'userName']);
      if (!known) throw error;
      return send(
        reply,
        known.status,
        forgotPage(web.csrfToken(request, reply), {
          accountRef: form.account,
          errors: { [known.field]: known.message },
        }),
      );
    }
    return send(reply, 200, administratorAskedPage());
  });

  app.get('/signin/find-account', async (request, reply) =>
    send(reply, 200, findAccountPage(web.csrfToken(request, reply))),
  );

  app.post('/signin/find-account', async (request, reply) => {
    web.assertCsrf(request);
    const form = readForm(request, { email: { max: 254 }, ...CHECK_FIELD });
    try {
      await passFormGate(web, request, 'recovery');
      const email = normaliseEmail('email', form.email);
      await enqueueJob(web.deps, { kind: 'account-reminder', input: { email } }, metaOf(request));
    } catch (error) {
      const known = fieldError(error, ['email']);
      if (!known) throw error;
      return send(
        reply,
        known.status,
        findAccountPage(web.csrfToken(request, reply), { email: form.email, error: known.message }),
      );
    }
    return send(reply, 200, accountReminderSentPage());
  });

  // Opening the link only shows the form: mail scanners that follow links change nothing.
  app.get<{ Querystring: { token?: string } }>('/signin/reset', async (request, reply) => {
    const token = typeof request.query.token === 'string' ? request.query.token : undefined;
    if (token === undefined) return send(reply, 200, resetPage(web.csrfToken(request, reply), {}));
    if (!(await resetTokenUsable(web.deps, { token })))
      return send(reply, 400, linkInvalidPage(await refuseResetToken(web.deps, { token }, metaOf(request))));
    return send(reply, 200, resetPage(web.csrfToken(request, reply), { token }));
  });

  app.post('/signin/reset', async (request, reply) => {
    web.assertCsrf(request);
    const form = readForm(request, {
      token: { max: 200, optional: true },
      code: { max: 100, optional: true },
      password: { max: 1024 },
      confirm: { max: 1024 },
    });
    const presented = form.token ? { token: form.token } : { code: form.code };
    const refused = async () =>
      send(reply, 400, linkInvalidPage(await refuseResetToken(web.deps, presented, metaOf(request))));
    const again = (status: number, errors: Record<string, string>) =>
      send(
        reply,
        status,
        resetPage(web.csrfToken(request, reply), {
          ...(form.token ? { token: form.token } : { code: form.code }),
          errors,
        }),
      );
    if (!form.token && !form.code.trim()) return again(400, { code: 'Enter the code from the email.' });
    if (!(await resetTokenUsable(web.deps, presented))) return refused();
    if (form.password !== form.confirm) return again(400, { confirm: 'The passwords do not match.' });
    let outcome: 'done' | 'invalid';
    try {
      outcome = await completePasswordReset(web.deps, presented, form.password, metaOf(request));
    } catch (error) {
      const known = fieldError(error, ['password']);
      if (!known) throw error;
      return again(known.status, { [known.field]: known.message });
    }
    if (outcome === 'invalid') return refused();
    return send(reply, 200, resetDonePage());
  });
}
