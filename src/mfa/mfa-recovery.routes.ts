import type { FastifyInstance, FastifyReply } from 'fastify';
import type { RequestMeta } from '../audit/audit.service.ts';
import { mfaStep, noSession, rootOnly } from '../authz/console-access.ts';
import type { GatehouseError } from '../shared/errors.ts';
import { afterResponse } from '../web/after-response.ts';
import { type Page, pageRoutes, redirect, withStatus } from '../web/page-route.ts';
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

const HELP_PAGE = noSession(
  'Anyone who cannot get past the MFA step reads this help; what it offers depends on the session, if any.',
);

/** The root user's sign-in with alternative factors, and an IAM user's request to its administrators. */
const LOST_DEVICE = mfaStep(
  'Help with a lost MFA device is asked for at the MFA step: the password was proved, a second factor is still owed.',
);

const MAILED_LINK = noSession(
  'A mailed link works in any browser, signed in or not: the token it carries is what it proves.',
);

const ROOT_SETTINGS = rootOnly(
  "The account phone number and the MFA recovery waiting period are the root user's own recovery settings; no IAM action covers them.",
);

type StepMessage = { text: string; kind: 'error' | 'success'; reference?: string };

/**
 * Lost or broken MFA devices: `/signin/mfa-help` (root: alternative factors; IAM users:
 * ask an administrator), the mailed confirm and cancel links, and the console forms for
 * the account phone number and the waiting period.
 */
export async function mfaRecoveryRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const deps = web.deps;
  const pages = pageRoutes(app, web);

  /** With a provider configured, phone messages leave once the response is on its way. */
  function deliverPhones(reply: FastifyReply): void {
    const url = deps.delivery.phoneGatewayUrl;
    if (!url) return;
    afterResponse(reply, deps, async () => {
      await deliverPhoneMessages(deps, url);
    });
  }

  /** Where the root user's sign-in with alternative factors stands, with what the last step said. */
  async function stepPage(who: SignedIn, csrf: string, message?: StepMessage): Promise<string> {
    return alternativeFactorsPage(csrf, await currentRecovery(deps, who.principal.accountId), message);
  }

  // A step refused with a safe error shows the step again with the error.
  const recoveryStepRoute = {
    access: LOST_DEVICE,
    redisplay: (p: Page, error: GatehouseError) => stepPage(p.who, p.csrf, { text: error.message, kind: 'error' }),
  };

  pages.get('/signin/mfa-help', { access: HELP_PAGE }, async (p) => {
    const who = await web.signedIn(p.request);
    if (who?.principal.type === 'root' && (await mfaStepOpen(deps, who.session))) return stepPage(who, p.csrf);
    const type = who?.principal.type;
    const kind = who?.session.restriction === MFA_REQUIRED && type !== 'assumed-role' ? (type ?? 'unknown') : 'unknown';
    return mfaHelpPage(kind, kind === 'user' ? p.csrf : undefined);
  });

  pages.post('/signin/mfa-help/ask-admin', { access: LOST_DEVICE }, async (p) => {
    if (p.who.principal.type !== 'user') return redirect('/signin/mfa-help');
    await askAdministratorAboutMfa(deps, p.who.session, p.who.principal, p.meta);
    return mfaHelpPage(
      'user',
      p.csrf,
      'Your administrators were asked to deactivate your MFA device. Sign in again once they have.',
    );
  });

  // Alternative factors are the root user's alone; anyone else is shown the help page.

  pages.post('/signin/mfa-help/start', recoveryStepRoute, async (p) => {
    if (p.who.principal.type !== 'root') return redirect('/signin/mfa-help');
    await startRecovery(deps, p.who.session, p.who.principal, p.meta);
    return stepPage(p.who, p.csrf, {
      text: 'We sent a verification email to the root user email address.',
      kind: 'success',
    });
  });

  pages.post('/signin/mfa-help/phone/send', { ...recoveryStepRoute, form: { channel: { max: 8 } } }, async (p) => {
    if (p.who.principal.type !== 'root') return redirect('/signin/mfa-help');
    const channel = p.form.channel === 'voice' ? 'voice' : 'sms';
    await sendRecoveryPhoneCode(deps, p.who.session, p.who.principal, channel, p.meta);
    deliverPhones(p.reply);
    return stepPage(p.who, p.csrf, {
      text:
        channel === 'voice'
          ? 'We are calling the account phone number with your code.'
          : 'We sent a code by SMS to the account phone number.',
      kind: 'success',
    });
  });

  pages.post('/signin/mfa-help/phone', { ...recoveryStepRoute, form: { code: { max: 16 } } }, async (p) => {
    if (p.who.principal.type !== 'root') return redirect('/signin/mfa-help');
    const result = await confirmRecoveryPhone(deps, p.who.session, p.who.principal, p.form.code, p.meta);
    if (!result.ok) {
      const text = 'That code is not right or has expired. Send a new one.';
      return withStatus(403, await stepPage(p.who, p.csrf, { text, kind: 'error', reference: result.reference }));
    }
    return stepPage(p.who, p.csrf, { text: 'Your phone number is confirmed.', kind: 'success' });
  });

  pages.post('/signin/mfa-help/complete', { access: LOST_DEVICE }, async (p) => {
    if (p.who.principal.type !== 'root') return redirect('/signin/mfa-help');
    const token = await completeRecovery(deps, p.who.session, p.who.principal, p.meta);
    p.reply.setCookie(web.sessionCookie, token, web.cookieOptions());
    return redirect('/console/security-credentials');
  });

  for (const which of ['email', 'cancel'] as const) {
    const refused = async (token: string, meta: RequestMeta) =>
      withStatus(400, recoveryLinkPage('', which, '', { refused: await refuseRecoveryLink(deps, token, which, meta) }));

    pages.get(`/signin/mfa-help/${which}`, { access: MAILED_LINK }, async (p) => {
      const token = typeof p.query.token === 'string' ? p.query.token : '';
      if (await recoveryLinkUsable(deps, token, which)) return recoveryLinkPage(p.csrf, which, token, 'usable');
      return refused(token, p.meta);
    });

    pages.post(`/signin/mfa-help/${which}`, { access: MAILED_LINK, form: { token: { max: 200 } } }, async (p) => {
      const { token } = p.form;
      const done =
        which === 'email'
          ? await confirmRecoveryEmail(deps, token, p.meta)
          : await cancelRecoveryByLink(deps, token, p.meta);
      return done ? recoveryLinkPage('', which, '', 'done') : refused(token, p.meta);
    });
  }

  // Console: the root user's phone number, waiting period, and cancelling a recovery.

  pages.post(
    '/console/mfa/phone',
    { access: ROOT_SETTINGS, form: { phone: { max: 32 }, channel: { max: 8 } } },
    async (p) => {
      const channel = p.form.channel === 'voice' ? 'voice' : 'sms';
      await startPhoneVerification(deps, p.who.principal, p.form.phone, channel, p.meta);
      deliverPhones(p.reply);
      return redirect('/console/security-credentials?done=phone-code-sent#recovery');
    },
  );

  pages.post('/console/mfa/phone/confirm', { access: ROOT_SETTINGS, form: { code: { max: 16 } } }, async (p) => {
    await confirmPhone(deps, p.who.principal, p.form.code, p.meta);
    return redirect('/console/security-credentials?done=phone-confirmed#recovery');
  });

  pages.post('/console/mfa/recovery-wait', { access: ROOT_SETTINGS, form: { waitHours: { max: 8 } } }, async (p) => {
    await setRecoveryWaitHours(deps, p.who.principal, p.form.waitHours, p.meta);
    return redirect('/console/security-credentials?done=recovery-wait-saved#recovery');
  });

  pages.post('/console/mfa/recovery/:id/cancel', { access: ROOT_SETTINGS }, async (p) => {
    await cancelRecoveryAsOwner(deps, p.who.principal, p.params.id, p.meta);
    return redirect('/console/security-credentials?done=recovery-cancelled#recovery');
  });
}
