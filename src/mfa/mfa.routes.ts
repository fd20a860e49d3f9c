import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { noSession } from '../authz/console-access.ts';
import { actorOf, principalFrom } from '../identities/principal.ts';
import { noteMfaProved } from '../sessions/session.service.ts';
import { GatehouseError } from '../shared/errors.ts';
import { getUser } from '../users/user.service.ts';
import type { FormSpec } from '../web/forms.ts';
import { type Page, pageRoutes, redirect, withStatus } from '../web/page-route.ts';
import {
  addSecurityKeyPage,
  enrolAuthenticatorPage,
  recoveryCodesPage,
  removeDevicePage,
  resyncPage,
} from './mfa.pages.ts';
import { removeOwnDevice } from './mfa-removal.service.ts';
import {
  createVirtualDevice,
  deactivateDevice,
  enableVirtualDevice,
  findMfaDevice,
  findPendingEnrolment,
  listMfaDevices,
  openPendingEnrolment,
  resyncVirtualDevice,
} from './mfa.service.ts';
import { ADMIN_DEACTIVATE_MFA, MFA_ACCESS } from './mfa-access.ts';
import type { MfaDevice } from './mfa.repository.ts';
import { createRecoveryCodes } from './recovery-codes.service.ts';
import { otpauthUri, qrCodeDataUrl } from './totp.ts';
import { finishRegistration, registrationOptions } from './webauthn.service.ts';
import type { WebContext } from '../web/web-context.ts';

const WEBAUTHN_BROWSER = readFileSync(
  new URL('../../node_modules/@simplewebauthn/browser/dist/bundle/index.umd.min.js', import.meta.url),
);
const PAGE_SCRIPT = readFileSync(new URL('../web/static/mfa-webauthn.js', import.meta.url));

const SCRIPTS = noSession('The security-key pages load these scripts before and after sign-in; they hold no secret.');

/** A device's page with an id in its URL. */
type DevicePage = Page<FormSpec, { id: string }>;

/**
 * What a form asking for two codes says when they are refused: `refused` for wrong codes,
 * the error's own words for malformed ones; anything else is the error page's to say.
 */
function codesRefused(error: GatehouseError, refused: string): string | undefined {
  if (error.code === 'InvalidAuthenticationCode') return refused;
  if (error.code === 'ValidationError') return error.message;
  return undefined;
}

/**
 * MFA in the console: add an authenticator app (QR code rendered here, two consecutive
 * codes), add a security key or passkey, remove a device (after proving it is you again),
 * create recovery codes; and for administrators, deactivate a user's device. Each is
 * decided by its MFA_ACCESS permission. Also serves the WebAuthn browser scripts.
 */
export async function mfaRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const { deps } = web;
  const pages = pageRoutes(app, web);

  for (const [path, script] of [
    ['/static/simplewebauthn-browser.js', WEBAUTHN_BROWSER],
    ['/static/mfa-webauthn.js', PAGE_SCRIPT],
  ] as const) {
    pages.get(path, { access: SCRIPTS }, (p) =>
      p.reply.header('Cache-Control', 'public, max-age=3600').type('text/javascript; charset=utf-8').send(script),
    );
  }

  async function enrolmentPage(p: Page, deviceId: string, error?: string): Promise<string> {
    const { principal } = p.who;
    const { device, secret } = await openPendingEnrolment(deps, principal, deviceId);
    const account = principal.type === 'root' ? principal.accountId : principal.name;
    const qrDataUrl = await qrCodeDataUrl(otpauthUri(secret, `${device.name}@${account}`, 'Gatehouse'));
    return enrolAuthenticatorPage(principal, p.csrf, {
      deviceId: device.id,
      name: device.name,
      secret,
      qrDataUrl,
      error,
    });
  }

  pages.post(
    '/console/mfa/authenticator',
    { access: MFA_ACCESS.createAuthenticator, form: { name: { max: 128 } } },
    async (p) => {
      const { principal } = p.who;
      const { device } = await createVirtualDevice(
        deps,
        principal.accountId,
        { name: p.form.name, pendingFor: principal.id },
        actorOf(principal),
        p.meta,
      );
      return enrolmentPage(p, device.id);
    },
  );

  pages.post(
    '/console/mfa/authenticator/enable',
    {
      access: MFA_ACCESS.enable,
      form: { device: { max: 64 }, code1: { max: 16 }, code2: { max: 16 } },
      redisplay: async (p, error) => {
        const message = codesRefused(
          error,
          'Those codes were not accepted. Enter two codes in a row as the app shows them, the second one right after it appears.',
        );
        return message === undefined ? undefined : withStatus(400, await enrolmentPage(p, p.form.device, message));
      },
    },
    async (p) => {
      const { principal } = p.who;
      const device = await findPendingEnrolment(deps, principal, p.form.device);
      await enableVirtualDevice(deps, principal, device.serial, p.form.code1, p.form.code2, actorOf(principal), p.meta);
      // Enrolling proved possession of the device: this session counts as MFA-authenticated.
      await noteMfaProved(deps, p.who.session.id, 'totp');
      return redirect('/console/security-credentials?done=mfa-added');
    },
  );

  async function securityKeyPage(p: Page, error?: string): Promise<string> {
    const options = await registrationOptions(deps, p.who.session.id, p.who.principal);
    return addSecurityKeyPage(p.who.principal, p.csrf, JSON.stringify(options), error);
  }

  pages.get('/console/mfa/security-key', { access: MFA_ACCESS.enable }, (p) => securityKeyPage(p));

  pages.post(
    '/console/mfa/security-key',
    {
      access: MFA_ACCESS.enable,
      form: { name: { max: 128 }, credential: { max: 16_384 } },
      redisplay: (p, error) => securityKeyPage(p, error.message),
    },
    async (p) => {
      const { principal, session } = p.who;
      await finishRegistration(deps, session.id, principal, p.form.name, p.form.credential, actorOf(principal), p.meta);
      await noteMfaProved(deps, session.id, 'webauthn');
      return redirect('/console/security-credentials?done=mfa-added');
    },
  );

  async function removalPage(p: DevicePage, error?: string): Promise<string> {
    const { id } = p.params;
    const devices = await listMfaDevices(deps, p.who.principal.id);
    const device = devices.find((d) => d.id === id && d.enabledAt);
    if (!device) throw new GatehouseError('NoSuchEntity', 'There is no such device among your MFA devices.');
    const otherApps = devices.filter((d) => d.id !== id && d.kind === 'totp' && d.enabledAt);
    return removeDevicePage(p.who.principal, p.csrf, device, otherApps, error);
  }

  pages.get('/console/mfa/devices/:id/remove', { access: MFA_ACCESS.deactivate }, (p) => removalPage(p));

  pages.post(
    '/console/mfa/devices/:id/remove',
    {
      access: MFA_ACCESS.deactivate,
      form: {
        currentPassword: { max: 1024, optional: true },
        proofDevice: { max: 64, optional: true },
        code: { max: 16, optional: true },
      },
      redisplay: async (p, error) =>
        error.code === 'InvalidCredentials' || error.code === 'ValidationError'
          ? withStatus(400, await removalPage(p, error.message))
          : undefined,
    },
    async (p) => {
      const { principal } = p.who;
      await removeOwnDevice(deps, principal, p.params.id, p.form, actorOf(principal), p.meta);
      return redirect('/console/security-credentials?done=mfa-removed');
    },
  );

  /** The signed-in principal's own authenticator app that the URL names. */
  async function ownTotpDevice(p: DevicePage): Promise<MfaDevice> {
    const device = await findMfaDevice(deps, p.who.principal.accountId, p.params.id);
    if (!device || device.principalId !== p.who.principal.id || device.kind !== 'totp' || !device.enabledAt) {
      throw new GatehouseError('NoSuchEntity', 'There is no such authenticator app among your MFA devices.');
    }
    return device;
  }

  async function resyncDevicePage(p: DevicePage, error?: string): Promise<string> {
    return resyncPage(p.who.principal, p.csrf, await ownTotpDevice(p), error);
  }

  pages.get('/console/mfa/devices/:id/resync', { access: MFA_ACCESS.resync }, (p) => resyncDevicePage(p));

  pages.post(
    '/console/mfa/devices/:id/resync',
    {
      access: MFA_ACCESS.resync,
      form: { code1: { max: 16 }, code2: { max: 16 } },
      redisplay: async (p, error) => {
        const message = codesRefused(
          error,
          'Those codes were not accepted. Enter two codes in a row as the app shows them.',
        );
        return message === undefined ? undefined : withStatus(400, await resyncDevicePage(p, message));
      },
    },
    async (p) => {
      const { principal } = p.who;
      const device = await ownTotpDevice(p);
      await resyncVirtualDevice(deps, principal, device.serial, p.form.code1, p.form.code2, actorOf(principal), p.meta);
      return redirect('/console/security-credentials?done=mfa-resynced');
    },
  );

  pages.post('/console/mfa/recovery-codes', { access: MFA_ACCESS.enable }, async (p) => {
    const codes = await createRecoveryCodes(deps, p.who.principal, actorOf(p.who.principal), p.meta);
    return recoveryCodesPage(p.who.principal, p.csrf, codes);
  });

  pages.post('/console/users/:name/mfa/:id/deactivate', { access: ADMIN_DEACTIVATE_MFA }, async (p) => {
    const { principal } = p.who;
    const user = await getUser(deps, principal.accountId, p.params.name);
    const account = { id: principal.accountId, alias: principal.accountAlias, name: principal.accountName };
    const owner = principalFrom(account, { rootEmail: null, user }, user.id)!;
    await deactivateDevice(deps, owner, { id: p.params.id }, actorOf(principal), p.meta);
    return redirect(`/console/users/${encodeURIComponent(user.name)}?done=mfa-deactivated`);
  });
}
