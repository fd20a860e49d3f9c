import type { FastifyInstance, FastifyReply } from 'fastify';
import { CHECK_FIELD } from '../guard/security-check.ts';
import { passFormGate } from '../web/form-gate.ts';
import { GatehouseError } from '../shared/errors.ts';
import { readForm } from '../web/forms.ts';
import { metaOf } from '../web/request-meta.ts';
import type { WebContext } from '../web/web-context.ts';
import { type CaseErrors, caseOpenedPage, supportPage } from './support.pages.ts';
import { openCase, validateCase } from './support.service.ts';
import { afterResponse } from '../web/after-response.ts';

/** `/support`: a person who cannot sign in opens a case. Staff work the cases with the CLI only. */
export async function supportRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const send = (reply: FastifyReply, status: number, body: string) =>
    reply.status(status).type('text/html; charset=utf-8').send(body);

  app.get('/support', async (request, reply) => send(reply, 200, supportPage(web.csrfToken(request, reply))));

  app.post('/support', async (request, reply) => {
    web.assertCsrf(request);
    await passFormGate(web, request, 'support-case');
    const form = readForm(request, {
      contactEmail: { max: 254 },
      accountRef: { max: 64, optional: true },
      description: { max: 4000 },
      ...CHECK_FIELD,
    });
    try {
      validateCase({ contactEmail: form.contactEmail, accountRef: form.accountRef, description: form.description });
    } catch (error) {
      if (!(error instanceof GatehouseError) || error.code !== 'ValidationError') throw error;
      const errors: CaseErrors = { [(error.field as keyof CaseErrors) ?? 'description']: error.message };
      return send(reply, 400, supportPage(web.csrfToken(request, reply), errors, form));
    }
    const meta = metaOf(request);
    // After the response, so an existing and an unknown account are answered alike in time too.
    const input = { contactEmail: form.contactEmail, accountRef: form.accountRef, description: form.description };
    afterResponse(reply, web.deps, () => openCase(web.deps, input, meta));
    return send(reply, 200, caseOpenedPage());
  });
}
