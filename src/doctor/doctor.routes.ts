import type { FastifyInstance, FastifyReply } from 'fastify';
import { enqueueJob } from '../jobs/job.service.ts';
import { GatehouseError } from '../shared/errors.ts';
import { isAccountId, isAlias, normaliseAccountRef, normaliseEmail, validateUserName } from '../shared/validation.ts';
import { readForm } from '../web/forms.ts';
import { metaOf } from '../web/request-meta.ts';
import type { WebContext } from '../web/web-context.ts';
import { type DiagnoseErrors, diagnosePage, diagnosisRequestedPage } from './doctor.pages.ts';
import type { DiagnosisRequest } from './doctor.service.ts';
import { CHECK_FIELD } from '../guard/security-check.ts';
import { passFormGate } from '../web/form-gate.ts';

/**
 * "Why can't I sign in?" Only a malformed entry gets an error; anything well-formed gets
 * the same page and queues the same job row: the diagnosis runs in the background job
 * runner, so nothing about the named account is read while the request is answered.
 */
export async function doctorRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const send = (reply: FastifyReply, status: number, body: string) =>
    reply.status(status).type('text/html; charset=utf-8').send(body);

  app.get('/signin/help/diagnose', async (request, reply) =>
    send(reply, 200, diagnosePage(web.csrfToken(request, reply))),
  );

  app.post('/signin/help/diagnose', async (request, reply) => {
    web.assertCsrf(request);
    await passFormGate(web, request, 'diagnose');
    const form = readForm(request, {
      email: { max: 254, optional: true },
      account: { max: 64, optional: true },
      userName: { max: 128, optional: true },
      ...CHECK_FIELD,
    });
    let diagnosis: DiagnosisRequest;
    try {
      diagnosis = parseRequest(form);
    } catch (error) {
      if (!(error instanceof GatehouseError) || error.code !== 'ValidationError') throw error;
      const errors: DiagnoseErrors = { [(error.field as keyof DiagnoseErrors) ?? 'email']: error.message };
      return send(reply, 400, diagnosePage(web.csrfToken(request, reply), errors, form));
    }
    await enqueueJob(web.deps, { kind: 'sign-in-diagnosis', input: diagnosis }, metaOf(request));
    return send(reply, 200, diagnosisRequestedPage());
  });
}

function parseRequest(form: { email: string; account: string; userName: string }): DiagnosisRequest {
  if (form.email.trim()) return { kind: 'root', email: normaliseEmail('email', form.email) };
  const accountRef = normaliseAccountRef(form.account);
  if (!isAccountId(accountRef) && !isAlias(accountRef)) {
    throw new GatehouseError(
      'ValidationError',
      'Enter your root email address, or a 12-digit account ID or account alias.',
      { field: 'account' },
    );
  }
  return { kind: 'user', accountRef, userName: validateUserName('userName', form.userName) };
}
