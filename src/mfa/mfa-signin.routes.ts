import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readForm } from '../web/forms.ts';
import { metaOf } from '../web/request-meta.ts';
import type { SignedIn, WebContext } from '../web/web-context.ts';
import { type SecondFactor, completeMfaStep, mfaStepOpen } from './mfa-signin.service.ts';
import { chooseFactorPage, recoveryCodeStepPage, securityKeyStepPage, totpStepPage } from './mfa-signin.pages.ts';
import type { MfaDevice } from './mfa.repository.ts';
import { listMfaDevices } from './mfa.service.ts';
import { recoveryCodeStatus } from './recovery-codes.service.ts';
import { authenticationOptions } from './webauthn.service.ts';

/**
 * The second step of sign-in, `/signin/mfa`: reachable only by a session that proved the
 * password and still owes a second factor. Any one device (or a recovery code) will do.
 */
export async function mfaSigninRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const { deps } = web;
  const send = (reply: FastifyReply, status: number, body: string) =>
    reply.status(status).type('text/html; charset=utf-8').send(body);

  /** The waiting session, or null after sending the person back to the start of sign-in. */
  async function waiting(request: FastifyRequest, reply: FastifyReply): Promise<SignedIn | null> {
    const who = await web.signedIn(request);
    if (who && (await mfaStepOpen(deps, who.session))) return who;
    if (!who) {
      await reply.redirect('/signin', 303);
      return null;
    }
    // A full session has nothing to do here; an expired step starts over.
    if (who.session.restriction !== 'mfa_required') {
      await reply.redirect('/console', 303);
      return null;
    }
    await web.signOut(request);
    reply.clearCookie(web.sessionCookie, web.cookieOptions());
    await reply.redirect('/signin', 303);
    return null;
  }

  /** `failure` is the support reference of a refused code or key; the page shows it beside the one failure message. */
  async function render(
    who: SignedIn,
    request: FastifyRequest,
    reply: FastifyReply,
    choice: string | undefined,
    failure?: string,
  ) {
    const devices = await listMfaDevices(deps, who.principal.id);
    const codes = await recoveryCodeStatus(deps.db, who.principal.id);
    const several = devices.length + (codes.unused > 0 ? 1 : 0) > 1;
    const csrf = web.csrfToken(request, reply);
    const status = failure ? 401 : 200;
    if (choice === 'recovery-code') return send(reply, status, recoveryCodeStepPage(csrf, failure));
    let device: MfaDevice | undefined = devices.find((d) => d.id === choice);
    if (!device && !several) device = devices[0];
    if (!device) return send(reply, 200, chooseFactorPage(devices, codes.unused > 0));
    if (device.kind === 'totp') return send(reply, status, totpStepPage(csrf, device, several, failure));
    const options = await authenticationOptions(deps, who.session.id, who.principal.id);
    return send(reply, status, securityKeyStepPage(csrf, JSON.stringify(options), several, failure));
  }

  async function finish(
    who: SignedIn,
    request: FastifyRequest,
    reply: FastifyReply,
    factor: SecondFactor,
    choice: string,
  ) {
    const result = await completeMfaStep(deps, who.session, who.principal, factor, metaOf(request));
    if (!result.ok) return render(who, request, reply, choice, result.reference);
    reply.setCookie(web.sessionCookie, result.token, web.cookieOptions());
    return reply.redirect(
      result.nextRestriction === 'password_change_required' ? '/console/change-password' : '/console',
      303,
    );
  }

  app.get<{ Querystring: { device?: string; choose?: string } }>('/signin/mfa', async (request, reply) => {
    const who = await waiting(request, reply);
    if (!who) return reply;
    return render(who, request, reply, request.query.choose !== undefined ? undefined : request.query.device);
  });

  app.post('/signin/mfa', async (request, reply) => {
    web.assertCsrf(request);
    const who = await waiting(request, reply);
    if (!who) return reply;
    const form = readForm(request, { device: { max: 64 }, code: { max: 32 } });
    return finish(who, request, reply, { method: 'totp', deviceId: form.device, code: form.code }, form.device);
  });

  app.post('/signin/mfa/security-key', async (request, reply) => {
    web.assertCsrf(request);
    const who = await waiting(request, reply);
    if (!who) return reply;
    const form = readForm(request, { credential: { max: 16_384 } });
    const keys = (await listMfaDevices(deps, who.principal.id)).filter((d) => d.kind === 'webauthn');
    return finish(who, request, reply, { method: 'webauthn', credential: form.credential }, keys[0]?.id ?? '');
  });

  app.post('/signin/mfa/recovery-code', async (request, reply) => {
    web.assertCsrf(request);
    const who = await waiting(request, reply);
    if (!who) return reply;
    const form = readForm(request, { code: { max: 64 } });
    return finish(who, request, reply, { method: 'recovery-code', code: form.code }, 'recovery-code');
  });
}
