import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatehouseError } from '../shared/errors.ts';
import { readForm } from '../web/forms.ts';
import { rootOnly } from '../authz/console-access.ts';
import { signedInOf } from '../web/guard.ts';
import { metaOf } from '../web/request-meta.ts';
import type { SignedIn, WebContext } from '../web/web-context.ts';
import { mfaHelpPage } from './mfa-signin.pages.ts';
import { MFA_REQUIRED, mfaStepOpen } from './mfa-signin.service.ts';
import { alternativeFactorsPage, recoveryLinkPage } from './mfa-recovery.pages.ts';
import { askAdministratorAboutMfa } from './mfa-help-request.service.ts';
import {
  cancelRecoveryAsOwner,
  cancelRecoveryByLink,
  completeRecovery,
  confirmPhone,
  confirmRecoveryEmail,
  confirmRecoveryPhone,
  currentRecovery,
  recoveryLinkUsable,
  refuseRecoveryLink,
  sendRecoveryPhoneCode,
  setRecoveryWaitHours,
  startPhoneVerification,
  startRecovery,
} from './mfa-recovery.service.ts';
import { deliverPhoneMessages } from './phone-gateway.ts';

/**
 * Lost or broken MFA devices: `/signin/mfa-help` (root: alternative factors; IAM users:
 * ask an administrator), the mailed confirm and cancel links, and the console forms for
 * the account phone number and the waiting period.
 */
export async function mfaRecoveryRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const deps = web.deps;
  const { phoneGatewayUrl } = deps.delivery;
  const send = (reply: FastifyReply, status: number, body: string) =>
    reply.status(status).type('text/html; charset=utf-8').send(body);

  /** With a provider configured, phone messages leave once the response is on its way. */
  function deliverPhones(reply: FastifyReply): void {
    if (!phoneGatewayUrl) return;
    const url = phoneGatewayUrl;
    reply.raw.once('finish', () => {
      deliverPhoneMessages(deps, url).catch((error: unknown) =>
        reply.log.error({ err: error }, 'phone delivery failed'),
      );
    });
  }

  /** The root user's half-signed-in session, or null (then the generic help page is shown). */
  async function rootStep(request: FastifyRequest): Promise<SignedIn | null> {
    const who = await web.signedIn(request);
    if (who?.principal.type !== 'root' || !(await mfaStepOpen(deps, who.session))) return null;
    return who;
  }

  type StepMessage = { text: string; kind: 'error' | 'success'; reference?: string };

  async function stepPage(
    who: SignedIn,
    request: FastifyRequest,
    reply: FastifyReply,
    status = 200,
    message?: StepMessage,
  ) {
    return send(
      reply,
      status,
      alternativeFactorsPage(
        web.csrfToken(request, reply),
        await currentRecovery(deps, who.principal.accountId),
        message,
      ),
    );
  }

  /**
   * Runs a step: it returns a note to show, or a refusal with its support reference;
   * a safe error is shown on the page instead of an error page.
   */
  async function step(
    request: FastifyRequest,
    reply: FastifyReply,
    run: (who: SignedIn) => Promise<string | undefined | { refused: string; reference: string }>,
  ) {
    web.assertCsrf(request);
    const who = await rootStep(request);
    if (!who) return reply.redirect('/signin/mfa-help', 303);
    try {
      const note = await run(who);
      if (typeof note === 'object')
        return stepPage(who, request, reply, 403, { text: note.refused, kind: 'error', reference: note.reference });
      return stepPage(who, request, reply, 200, note ? { text: note, kind: 'success' } : undefined);
    } catch (error) {
      if (error instanceof GatehouseError && error.safe && error.status < 500)
        return stepPage(who, request, reply, error.status, { text: error.message, kind: 'error' });
      throw error;
    }
  }

  app.get('/signin/mfa-help', async (request, reply) => {
    const who = await rootStep(request);
    if (who) return stepPage(who, request, reply);
    const any = await web.signedIn(request);
    const kind = any && any.session.restriction === MFA_REQUIRED ? any.principal.type : 'unknown';
    return send(reply, 200, mfaHelpPage(kind, kind === 'user' ? web.csrfToken(request, reply) : undefined));
  });

  app.post('/signin/mfa-help/ask-admin', async (request, reply) => {
    web.assertCsrf(request);
    const who = await web.signedIn(request);
    if (who?.principal.type !== 'user' || !(await mfaStepOpen(deps, who.session)))
      return reply.redirect('/signin/mfa-help', 303);
    await askAdministratorAboutMfa(deps, who.session, who.principal, metaOf(request));
    return send(
      reply,
      200,
      mfaHelpPage(
        'user',
        web.csrfToken(request, reply),
        'Your administrators were asked to deactivate your MFA device. Sign in again once they have.',
      ),
    );
  });

  app.post('/signin/mfa-help/start', (request, reply) =>
    step(request, reply, async (who) => {
      await startRecovery(deps, who.session, who.principal, metaOf(request));
      return 'We sent a verification email to the root user email address.';
    }),
  );

  app.post('/signin/mfa-help/phone/send', (request, reply) =>
    step(request, reply, async (who) => {
      const { channel } = readForm(request, { channel: { max: 8 } });
      await sendRecoveryPhoneCode(
        deps,
        who.session,
        who.principal,
        channel === 'voice' ? 'voice' : 'sms',
        metaOf(request),
      );
      deliverPhones(reply);
      return channel === 'voice'
        ? 'We are calling the account phone number with your code.'
        : 'We sent a code by SMS to the account phone number.';
    }),
  );

  app.post('/signin/mfa-help/phone', (request, reply) =>
    step(request, reply, async (who) => {
      const { code } = readForm(request, { code: { max: 16 } });
      const result = await confirmRecoveryPhone(deps, who.session, who.principal, code, metaOf(request));
      if (!result.ok)
        return { refused: 'That code is not right or has expired. Send a new one.', reference: result.reference };
      return 'Your phone number is confirmed.';
    }),
  );

  app.post('/signin/mfa-help/complete', async (request, reply) => {
    web.assertCsrf(request);
    const who = await rootStep(request);
    if (!who) return reply.redirect('/signin/mfa-help', 303);
    const token = await completeRecovery(deps, who.session, who.principal, metaOf(request));
    reply.setCookie(web.sessionCookie, token, web.cookieOptions());
    return reply.redirect('/console/security-credentials', 303);
  });

  for (const which of ['email', 'cancel'] as const) {
    app.get<{ Querystring: { token?: string } }>(`/signin/mfa-help/${which}`, async (request, reply) => {
      const token = typeof request.query.token === 'string' ? request.query.token : '';
      if (await recoveryLinkUsable(deps, token, which))
        return send(reply, 200, recoveryLinkPage(web.csrfToken(request, reply), which, token, 'usable'));
      return send(
        reply,
        400,
        recoveryLinkPage('', which, '', { refused: await refuseRecoveryLink(deps, token, which, metaOf(request)) }),
      );
    });
    app.post(`/signin/mfa-help/${which}`, async (request, reply) => {
      web.assertCsrf(request);
      const { token } = readForm(request, { token: { max: 200 } });
      const done =
        which === 'email'
          ? await confirmRecoveryEmail(deps, token, metaOf(request))
          : await cancelRecoveryByLink(deps, token, metaOf(request));
      if (done) return send(reply, 200, recoveryLinkPage('', which, '', 'done'));
      return send(
        reply,
        400,
        recoveryLinkPage('', which, '', { refused: await refuseRecoveryLink(deps, token, which, metaOf(request)) }),
      );
    });
  }

  // Console: the root user's phone number, waiting period, and cancelling a recovery.

  const rootSettings = {
    config: {
      access: rootOnly(
        "The account phone number and the MFA recovery waiting period are the root user's own recovery settings; no IAM action covers them.",
      ),
    },
  };

  async function consoleAction(
    request: FastifyRequest,
    reply: FastifyReply,
    run: (who: SignedIn) => Promise<void>,
    done: string,
  ) {
    await run(signedInOf(request));
    return reply.redirect(`/console/security-credentials?done=${done}#recovery`, 303);
  }

  app.post('/console/mfa/phone', rootSettings, (request, reply) =>
    consoleAction(
      request,
      reply,
      async (who) => {
        const form = readForm(request, { phone: { max: 32 }, channel: { max: 8 } });
        await startPhoneVerification(
          deps,
          who.principal,
          form.phone,
          form.channel === 'voice' ? 'voice' : 'sms',
          metaOf(request),
        );
        deliverPhones(reply);
      },
      'phone-code-sent',
    ),
  );

  app.post('/console/mfa/phone/confirm', rootSettings, (request, reply) =>
    consoleAction(
      request,
      reply,
      async (who) => {
        const { code } = readForm(request, { code: { max: 16 } });
        await confirmPhone(deps, who.principal, code, metaOf(request));
      },
      'phone-confirmed',
    ),
  );

  app.post('/console/mfa/recovery-wait', rootSettings, (request, reply) =>
    consoleAction(
      request,
      reply,
      async (who) => {
        const { waitHours } = readForm(request, { waitHours: { max: 8 } });
        await setRecoveryWaitHours(deps, who.principal, waitHours, metaOf(request));
      },
      'recovery-wait-saved',
    ),
  );

  app.post<{ Params: { id: string } }>('/console/mfa/recovery/:id/cancel', rootSettings, (request, reply) =>
    consoleAction(
      request,
      reply,
      async (who) => {
        await cancelRecoveryAsOwner(deps, who.principal, request.params.id, metaOf(request));
      },
      'recovery-cancelled',
    ),
  );
}
