import { readFileSync } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { actorOf, principalFrom } from '../identities/principal.ts';
import { noteMfaProved } from '../sessions/session.service.ts';
import { GatehouseError } from '../shared/errors.ts';
import { getUser } from '../users/user.service.ts';
import { readForm } from '../web/forms.ts';
import { signedInOf } from '../web/guard.ts';
import { metaOf } from '../web/request-meta.ts';
import type { SignedIn, WebContext } from '../web/web-context.ts';
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
  listMfaDevices,
  resyncVirtualDevice,
} from './mfa.service.ts';
import { ADMIN_DEACTIVATE_MFA, MFA_ACCESS } from './mfa-access.ts';
import { createRecoveryCodes } from './recovery-codes.service.ts';
import { openTotpSecret, otpauthUri, qrCodeDataUrl } from './totp.ts';
import { finishRegistration, registrationOptions } from './webauthn.service.ts';

const WEBAUTHN_BROWSER = readFileSync(
  new URL('../../node_modules/@simplewebauthn/browser/dist/bundle/index.umd.min.js', import.meta.url),
);
const PAGE_SCRIPT = readFileSync(new URL('../web/static/mfa-webauthn.js', import.meta.url));

/**
 * MFA in the console: add an authenticator app (QR code rendered here, two consecutive
 * codes), add a security key or passkey, remove a device (after proving it is you again),
 * create recovery codes; and for administrators, deactivate a user's device. Each is
 * decided by its MFA_ACCESS permission. Also serves the WebAuthn browser scripts.
 */
export async function mfaRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const { deps } = web;
  const send = (reply: FastifyReply, status: number, body: string) =>
    reply.status(status).type('text/html; charset=utf-8').send(body);
  const script = (reply: FastifyReply, body: Buffer) =>
    reply.header('Cache-Control', 'public, max-age=3600').type('text/javascript; charset=utf-8').send(body);

  app.get('/static/simplewebauthn-browser.js', async (_request, reply) => script(reply, WEBAUTHN_BROWSER));
  app.get('/static/mfa-webauthn.js', async (_request, reply) => script(reply, PAGE_SCRIPT));

  async function enrolmentPage(who: SignedIn, csrf: string, deviceId: string, error?: string): Promise<string> {
    const device = await findMfaDevice(deps, who.principal.accountId, deviceId);
    if (!device || device.pendingFor !== who.principal.id || device.enabledAt || !device.totpSecretSealed) {
      throw new GatehouseError('NoSuchEntity', 'This MFA enrolment has ended. Start again from Security credentials.');
    }
    const secret = openTotpSecret(deps.keyring, device.id, device.totpSecretSealed);
    if (!secret) throw new GatehouseError('InternalError', 'The MFA secret cannot be read.');
    const account = who.principal.type === 'root' ? who.principal.accountId : who.principal.name;
    const qrDataUrl = await qrCodeDataUrl(otpauthUri(secret, `${device.name}@${account}`, 'Gatehouse'));
    return enrolAuthenticatorPage(who.principal, csrf, {
      deviceId: device.id,
      name: device.name,
      secret,
      qrDataUrl,
      error,
    });
  }

  app.post(
    '/console/mfa/authenticator',
    { config: { access: MFA_ACCESS.createAuthenticator } },
    async (request, reply) => {
      const who = signedInOf(request);
      const form = readForm(request, { name: { max: 128 } });
      const { device } = await createVirtualDevice(
        deps,
        who.principal.accountId,
        { name: form.name, pendingFor: who.principal.id },
        actorOf(who.principal),
        metaOf(request),
      );
      return send(reply, 200, await enrolmentPage(who, web.csrfToken(request, reply), device.id));
    },
  );

  app.post('/console/mfa/authenticator/enable', { config: { access: MFA_ACCESS.enable } }, async (request, reply) => {
    const who = signedInOf(request);
    const form = readForm(request, { device: { max: 64 }, code1: { max: 16 }, code2: { max: 16 } });
    const device = await findMfaDevice(deps, who.principal.accountId, form.device);
    if (!device || device.pendingFor !== who.principal.id) {
      throw new GatehouseError('NoSuchEntity', 'This MFA enrolment has ended. Start again from Security credentials.');
    }
    try {
      await enableVirtualDevice(
        deps,
        who.principal,
        device.serial,
        form.code1,
        form.code2,
        actorOf(who.principal),
        metaOf(request),
      );
    } catch (error) {
      if (
        error instanceof GatehouseError &&
        (error.code === 'InvalidAuthenticationCode' || error.code === 'ValidationError')
      ) {
        const message =
          error.code === 'InvalidAuthenticationCode'
            ? 'Those codes were not accepted. Enter two codes in a row as the app shows them, the second one right after it appears.'
            : error.message;
        return send(reply, 400, await enrolmentPage(who, web.csrfToken(request, reply), device.id, message));
      }
      throw error;
    }
    // Enrolling proved possession of the device: this session counts as MFA-authenticated.
    await noteMfaProved(deps, who.session.id);
    return reply.redirect('/console/security-credentials?done=mfa-added', 303);
  });

  app.get('/console/mfa/security-key', { config: { access: MFA_ACCESS.enable } }, async (request, reply) => {
    const who = signedInOf(request);
    const options = await registrationOptions(deps, who.session.id, who.principal);
    return send(reply, 200, addSecurityKeyPage(who.principal, web.csrfToken(request, reply), JSON.stringify(options)));
  });

  app.post('/console/mfa/security-key', { config: { access: MFA_ACCESS.enable } }, async (request, reply) => {
    const who = signedInOf(request);
    const form = readForm(request, { name: { max: 128 }, credential: { max: 16_384 } });
    try {
      await finishRegistration(
        deps,
        who.session.id,
        who.principal,
        form.name,
        form.credential,
        actorOf(who.principal),
        metaOf(request),
      );
    } catch (error) {
      if (error instanceof GatehouseError && error.safe && error.status < 500) {
        const options = await registrationOptions(deps, who.session.id, who.principal);
        return send(
          reply,
          error.status,
          addSecurityKeyPage(who.principal, web.csrfToken(request, reply), JSON.stringify(options), error.message),
        );
      }
      throw error;
    }
    await noteMfaProved(deps, who.session.id);
    return reply.redirect('/console/security-credentials?done=mfa-added', 303);
  });

  async function removalPage(who: SignedIn, csrf: string, id: string, error?: string): Promise<string> {
    const devices = await listMfaDevices(deps, who.principal.id);
    const device = devices.find((d) => d.id === id && d.enabledAt);
    if (!device) throw new GatehouseError('NoSuchEntity', 'There is no such device among your MFA devices.');
    const otherApps = devices.filter((d) => d.id !== id && d.kind === 'totp' && d.enabledAt);
    return removeDevicePage(who.principal, csrf, device, otherApps, error);
  }

  app.get<{ Params: { id: string } }>(
    '/console/mfa/devices/:id/remove',
    { config: { access: MFA_ACCESS.deactivate } },
    async (request, reply) => {
      const who = signedInOf(request);
      return send(reply, 200, await removalPage(who, web.csrfToken(request, reply), request.params.id));
    },
  );

  app.post<{ Params: { id: string } }>(
    '/console/mfa/devices/:id/remove',
    { config: { access: MFA_ACCESS.deactivate } },
    async (request, reply) => {
      const who = signedInOf(request);
      const form = readForm(request, {
        currentPassword: { max: 1024, optional: true },
        proofDevice: { max: 64, optional: true },
        code: { max: 16, optional: true },
      });
      try {
        await removeOwnDevice(deps, who.principal, request.params.id, form, actorOf(who.principal), metaOf(request));
      } catch (error) {
        if (
          error instanceof GatehouseError &&
          (error.code === 'InvalidCredentials' || error.code === 'ValidationError')
        ) {
          return send(
            reply,
            400,
            await removalPage(who, web.csrfToken(request, reply), request.params.id, error.message),
          );
        }
        throw error;
      }
      return reply.redirect('/console/security-credentials?done=mfa-removed', 303);
    },
  );

  async function ownTotpDevice(who: SignedIn, id: string) {
    const device = await findMfaDevice(deps, who.principal.accountId, id);
    if (!device || device.principalId !== who.principal.id || device.kind !== 'totp' || !device.enabledAt) {
      throw new GatehouseError('NoSuchEntity', 'There is no such authenticator app among your MFA devices.');
    }
    return device;
  }

  app.get<{ Params: { id: string } }>(
    '/console/mfa/devices/:id/resync',
    { config: { access: MFA_ACCESS.resync } },
    async (request, reply) => {
      const who = signedInOf(request);
      return send(
        reply,
        200,
        resyncPage(who.principal, web.csrfToken(request, reply), await ownTotpDevice(who, request.params.id)),
      );
    },
  );

  app.post<{ Params: { id: string } }>(
    '/console/mfa/devices/:id/resync',
    { config: { access: MFA_ACCESS.resync } },
    async (request, reply) => {
      const who = signedInOf(request);
      const device = await ownTotpDevice(who, request.params.id);
      const form = readForm(request, { code1: { max: 16 }, code2: { max: 16 } });
      try {
        await resyncVirtualDevice(
          deps,
          who.principal,
          device.serial,
          form.code1,
          form.code2,
          actorOf(who.principal),
          metaOf(request),
        );
      } catch (error) {
        if (
          error instanceof GatehouseError &&
          (error.code === 'InvalidAuthenticationCode' || error.code === 'ValidationError')
        ) {
          const message =
            error.code === 'InvalidAuthenticationCode'
              ? 'Those codes were not accepted. Enter two codes in a row as the app shows them.'
              : error.message;
          return send(reply, 400, resyncPage(who.principal, web.csrfToken(request, reply), device, message));
        }
        throw error;
      }
      return reply.redirect('/console/security-credentials?done=mfa-resynced', 303);
    },
  );

  app.post('/console/mfa/recovery-codes', { config: { access: MFA_ACCESS.enable } }, async (request, reply) => {
    const who = signedInOf(request);
    const codes = await createRecoveryCodes(deps, who.principal, actorOf(who.principal), metaOf(request));
    return send(reply, 200, recoveryCodesPage(who.principal, web.csrfToken(request, reply), codes));
  });

  app.post<{ Params: { name: string; id: string } }>(
    '/console/users/:name/mfa/:id/deactivate',
    { config: { access: ADMIN_DEACTIVATE_MFA } },
    async (request, reply) => {
      const who = signedInOf(request);
      const user = await getUser(deps, who.principal.accountId, request.params.name);
      const account = {
        id: who.principal.accountId,
        alias: who.principal.accountAlias,
        name: who.principal.accountName,
      };
      const owner = principalFrom(account, { rootEmail: null, user }, user.id)!;
      await deactivateDevice(deps, owner, { id: request.params.id }, actorOf(who.principal), metaOf(request));
      return reply.redirect(`/console/users/${encodeURIComponent(user.name)}?done=mfa-deactivated`, 303);
    },
  );
}
