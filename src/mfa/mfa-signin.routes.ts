import type { FastifyInstance } from 'fastify';
import { mfaStep } from '../authz/console-access.ts';
import { type Page, type PageResult, pageRoutes, redirect, withStatus } from '../web/page-route.ts';
import type { WebContext } from '../web/web-context.ts';
import { type SecondFactor, completeMfaStep } from './mfa-signin.service.ts';
import { chooseFactorPage, recoveryCodeStepPage, securityKeyStepPage, totpStepPage } from './mfa-signin.pages.ts';
import type { MfaDevice } from './mfa.repository.ts';
import { listMfaDevices } from './mfa.service.ts';
import { recoveryCodeStatus } from './recovery-codes.service.ts';
import { authenticationOptions } from './webauthn.service.ts';

const SECOND_STEP = mfaStep(
  'The second step of sign-in: the session proved the password and still owes a second factor.',
);

/**
 * The second step of sign-in, `/signin/mfa`: reachable only by a session that proved the
 * password and still owes a second factor. Any one device (or a recovery code) will do.
 */
export async function mfaSigninRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const { deps } = web;
  const pages = pageRoutes(app, web);

  /**
   * The step for the chosen device, or the choice of one. `failure` is the support
   * reference of a refused code or key; the page shows it beside the one failure message.
   */
  async function stepPage(p: Page, { choice, failure }: { choice?: string; failure?: string }): Promise<PageResult> {
    const { who, csrf } = p;
    const devices = await listMfaDevices(deps, who.principal.id);
    const codes = await recoveryCodeStatus(deps.db, who.principal.id);
    const several = devices.length + (codes.unused > 0 ? 1 : 0) > 1;
    const status = failure ? 401 : 200;
    if (choice === 'recovery-code') return withStatus(status, recoveryCodeStepPage(csrf, failure));
    let device: MfaDevice | undefined = devices.find((d) => d.id === choice);
    if (!device && !several) device = devices[0];
    if (!device) return chooseFactorPage(devices, codes.unused > 0);
    if (device.kind === 'totp') return withStatus(status, totpStepPage(csrf, device, several, failure));
    const options = await authenticationOptions(deps, who.session.id, who.principal.id);
    return withStatus(status, securityKeyStepPage(csrf, JSON.stringify(options), several, failure));
  }

  /** Checks the factor: a full session and on to the console, or the same step again with the failure's reference. */
  async function finish(p: Page, { factor, choice }: { factor: SecondFactor; choice: string }): Promise<PageResult> {
    const result = await completeMfaStep(deps, p.who.session, p.who.principal, factor, p.meta);
    if (!result.ok) return stepPage(p, { choice, failure: result.reference });
    p.reply.setCookie(web.sessionCookie, result.token, web.cookieOptions());
    return redirect(result.nextRestriction === 'password_change_required' ? '/console/change-password' : '/console');
  }

  pages.get('/signin/mfa', { access: SECOND_STEP }, (p) =>
    stepPage(p, { choice: p.query.choose !== undefined ? undefined : p.query.device }),
  );

  pages.post('/signin/mfa', { access: SECOND_STEP, form: { device: { max: 64 }, code: { max: 32 } } }, (p) =>
    finish(p, { factor: { method: 'totp', deviceId: p.form.device, code: p.form.code }, choice: p.form.device }),
  );

  pages.post('/signin/mfa/security-key', { access: SECOND_STEP, form: { credential: { max: 16_384 } } }, async (p) => {
    const keys = (await listMfaDevices(deps, p.who.principal.id)).filter((d) => d.kind === 'webauthn');
    return finish(p, { factor: { method: 'webauthn', credential: p.form.credential }, choice: keys[0]?.id ?? '' });
  });

  pages.post('/signin/mfa/recovery-code', { access: SECOND_STEP, form: { code: { max: 64 } } }, (p) =>
    finish(p, { factor: { method: 'recovery-code', code: p.form.code }, choice: 'recovery-code' }),
  );
}
