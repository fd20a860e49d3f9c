import type { FastifyInstance } from 'fastify';
import type { RequestMeta } from '../audit/audit.service.ts';
import { noSession } from '../authz/console-access.ts';
import type { Deps } from '../deps.ts';
import { CHECK_FIELD } from '../guard/security-check.ts';
import { enqueueJob } from '../jobs/job.service.ts';
import type { Presented } from '../links/link-token.ts';
import { normaliseEmail } from '../shared/validation.ts';
import { passFormGate } from '../web/form-gate.ts';
import { type PageResult, pageRoutes, withStatus } from '../web/page-route.ts';
import type { WebContext } from '../web/web-context.ts';
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

const LOCKED_OUT = noSession('Recovery serves people who cannot sign in: they have no session to bring.');

/** The field a refusal names when the form has it, else the form as a whole. */
function fieldOf<F extends string>(fields: readonly F[], field: string | undefined): F | 'form' {
  return fields.find((f) => f === field) ?? 'form';
}

/** The answer to a reset link or code that cannot be used, after recording why. */
async function refusedLink(deps: Deps, presented: Presented, meta: RequestMeta): Promise<PageResult> {
  return withStatus(400, linkInvalidPage(await refuseResetToken(deps, presented, meta)));
}

/**
 * Recovery pages: forgotten root password (request, then reset by link or code),
 * "which email did I use?", IAM users asking their administrators, and the help page.
 * Request forms answer the same for every address; only a malformed one gets an error.
 * A well-formed request queues one job row, the same whatever it names; the background
 * job runner looks the account up and does the work, never the request.
 */
export async function recoveryRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);

  pages.get('/signin/help', { access: LOCKED_OUT }, () => helpPage());

  pages.get('/signin/forgot', { access: LOCKED_OUT }, (p) => {
    const account = typeof p.query.account === 'string' ? p.query.account.slice(0, 64) : undefined;
    // The root password step's link carries the email typed there.
    const email = typeof p.query.email === 'string' ? p.query.email.slice(0, 254) : undefined;
    return forgotPage(p.csrf, {
      ...(account === undefined ? {} : { accountRef: account }),
      ...(email === undefined ? {} : { email }),
    });
  });

  pages.post(
    '/signin/forgot',
    {
      access: LOCKED_OUT,
      form: { email: { max: 254 }, ...CHECK_FIELD },
      redisplay: (p, error) =>
        forgotPage(p.csrf, { email: p.form.email, errors: { [fieldOf(['email'], error.field)]: error.message } }),
    },
    async (p) => {
      await passFormGate(web, p.request, 'recovery');
      const email = normaliseEmail('email', p.form.email);
      await enqueueJob(p.deps, { kind: 'password-reset-request', input: { email } }, p.meta);
      return resetRequestedPage();
    },
  );

  pages.post(
    '/signin/forgot/iam',
    {
      access: LOCKED_OUT,
      form: { account: { max: 64 }, userName: { max: 128 }, ...CHECK_FIELD },
      redisplay: (p, error) =>
        forgotPage(p.csrf, {
          accountRef: p.form.account,
          errors: { [fieldOf(['account', 'userName'], error.field)]: error.message },
        }),
    },
    async (p) => {
      await passFormGate(web, p.request, 'recovery');
      const input = validateHelpRequest(p.form.account, p.form.userName);
      await enqueueJob(p.deps, { kind: 'password-help-request', input }, p.meta);
      return administratorAskedPage();
    },
  );

  pages.get('/signin/find-account', { access: LOCKED_OUT }, (p) => findAccountPage(p.csrf));

  pages.post(
    '/signin/find-account',
    {
      access: LOCKED_OUT,
      form: { email: { max: 254 }, ...CHECK_FIELD },
      redisplay: (p, error) => findAccountPage(p.csrf, { email: p.form.email, error: error.message }),
    },
    async (p) => {
      await passFormGate(web, p.request, 'recovery');
      const email = normaliseEmail('email', p.form.email);
      await enqueueJob(p.deps, { kind: 'account-reminder', input: { email } }, p.meta);
      return accountReminderSentPage();
    },
  );

  // Opening the link only shows the form: mail scanners that follow links change nothing.
  pages.get('/signin/reset', { access: LOCKED_OUT }, async (p) => {
    const token = typeof p.query.token === 'string' ? p.query.token : undefined;
    if (token === undefined) return resetPage(p.csrf, {});
    if (!(await resetTokenUsable(p.deps, { token }))) return refusedLink(p.deps, { token }, p.meta);
    return resetPage(p.csrf, { token });
  });

  const presentedOf = (form: { token: string; code: string }): Presented =>
    form.token ? { token: form.token } : { code: form.code };
  pages.post(
    '/signin/reset',
    {
      access: LOCKED_OUT,
      form: {
        token: { max: 200, optional: true },
        code: { max: 100, optional: true },
        password: { max: 1024 },
        confirm: { max: 1024 },
      },
      redisplay: (p, error) =>
        resetPage(p.csrf, {
          ...presentedOf(p.form),
          errors: { [fieldOf(['password'], error.field)]: error.message },
        }),
    },
    async (p) => {
      const presented = presentedOf(p.form);
      if (!p.form.token && !p.form.code.trim())
        return withStatus(400, resetPage(p.csrf, { ...presented, errors: { code: 'Enter the code from the email.' } }));
      if (!(await resetTokenUsable(p.deps, presented))) return refusedLink(p.deps, presented, p.meta);
      if (p.form.password !== p.form.confirm)
        return withStatus(400, resetPage(p.csrf, { ...presented, errors: { confirm: 'The passwords do not match.' } }));
      const outcome = await completePasswordReset(p.deps, presented, p.form.password, p.meta);
      if (outcome === 'invalid') return refusedLink(p.deps, presented, p.meta);
      return resetDonePage();
    },
  );
}
