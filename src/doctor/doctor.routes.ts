import type { FastifyInstance } from 'fastify';
import { noSession } from '../authz/console-access.ts';
import { CHECK_FIELD } from '../guard/security-check.ts';
import { enqueueJob } from '../jobs/job.service.ts';
import { GatehouseError } from '../shared/errors.ts';
import { isAccountId, isAlias, normaliseAccountRef, normaliseEmail, validateUserName } from '../shared/validation.ts';
import { passFormGate } from '../web/form-gate.ts';
import { pageRoutes } from '../web/page-route.ts';
import type { WebContext } from '../web/web-context.ts';
import { type DiagnoseErrors, diagnosePage, diagnosisRequestedPage } from './doctor.pages.ts';
import type { DiagnosisRequest } from './doctor.service.ts';

const CANNOT_SIGN_IN = noSession('The sign-in doctor serves people who cannot sign in: they have no session to bring.');

const DIAGNOSE_FIELDS = ['email', 'account', 'userName'] as const;

/**
 * "Why can't I sign in?" Only a malformed entry gets an error; anything well-formed gets
 * the same page and queues the same job row: the diagnosis runs in the background job
 * runner, so nothing about the named account is read while the request is answered.
 */
export async function doctorRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);

  pages.get('/signin/help/diagnose', { access: CANNOT_SIGN_IN }, (p) => diagnosePage(p.csrf));

  pages.post(
    '/signin/help/diagnose',
    {
      access: CANNOT_SIGN_IN,
      form: {
        email: { max: 254, optional: true },
        account: { max: 64, optional: true },
        userName: { max: 128, optional: true },
        ...CHECK_FIELD,
      },
      // A malformed entry comes back with its field's error; a refused gate (throttle, security check) is the error page's.
      redisplay: (p, error) => {
        const field = DIAGNOSE_FIELDS.find((f) => f === error.field);
        if (error.code !== 'ValidationError' || !field) return undefined;
        const errors: DiagnoseErrors = { [field]: error.message };
        return diagnosePage(p.csrf, errors, p.form);
      },
    },
    async (p) => {
      await passFormGate(web, p.request, 'diagnose');
      const diagnosis = parseRequest(p.form);
      await enqueueJob(p.deps, { kind: 'sign-in-diagnosis', input: diagnosis }, p.meta);
      return diagnosisRequestedPage();
    },
  );
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
