import type { FastifyInstance } from 'fastify';
import { noSession } from '../authz/console-access.ts';
import { CHECK_FIELD } from '../guard/security-check.ts';
import { afterResponse } from '../web/after-response.ts';
import { passFormGate } from '../web/form-gate.ts';
import { pageRoutes } from '../web/page-route.ts';
import type { WebContext } from '../web/web-context.ts';
import { type CaseErrors, caseOpenedPage, supportPage } from './support.pages.ts';
import { openCase, validateCase } from './support.service.ts';

const LOCKED_OUT = noSession('Support cases are for people who cannot sign in: they have no session to bring.');

const CASE_FIELDS = ['contactEmail', 'accountRef', 'description'] as const;

/** `/support`: a person who cannot sign in opens a case. Staff work the cases with the CLI only. */
export async function supportRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);

  pages.get('/support', { access: LOCKED_OUT }, (p) => supportPage(p.csrf));

  pages.post(
    '/support',
    {
      access: LOCKED_OUT,
      form: {
        contactEmail: { max: 254 },
        accountRef: { max: 64, optional: true },
        description: { max: 4000 },
        ...CHECK_FIELD,
      },
      // A malformed case comes back with its field's error; a refused gate (throttle, security check) is the error page's.
      redisplay: (p, error) => {
        const field = CASE_FIELDS.find((f) => f === error.field);
        if (error.code !== 'ValidationError' || !field) return undefined;
        const errors: CaseErrors = { [field]: error.message };
        return supportPage(p.csrf, errors, p.form);
      },
    },
    async (p) => {
      await passFormGate(web, p.request, 'support-case');
      const input = {
        contactEmail: p.form.contactEmail,
        accountRef: p.form.accountRef,
        description: p.form.description,
      };
      validateCase(input);
      // After the response, so an existing and an unknown account are answered alike in time too.
      afterResponse(p.reply, p.deps, () => openCase(p.deps, input, p.meta));
      return caseOpenedPage();
    },
  );
}
