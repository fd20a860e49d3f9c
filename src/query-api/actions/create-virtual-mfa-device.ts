import { actorOf } from '../../identities/principal.ts';
import { createVirtualDevice, virtualSerial } from '../../mfa/mfa.service.ts';
import { otpauthUri, qrCodePng } from '../../mfa/totp.ts';
import { defineAction } from '../action.ts';
import { P, str } from '../params.ts';

/**
 * CreateVirtualMFADevice(VirtualMFADeviceName, Path?) → VirtualMFADevice{SerialNumber,
 * Base32StringSeed, QRCodePNG}: the only time the seed is ever returned (both blobs are
 * base64 on the wire). The device stays unassigned until EnableMFADevice.
 */
export const CreateVirtualMFADevice = defineAction({
  name: 'CreateVirtualMFADevice',
  service: 'iam',
  permission: 'iam:CreateVirtualMFADevice',
  params: {
    VirtualMFADeviceName: str({
      min: 1,
      max: 226,
      pattern: /^[\w+=,.@-]+$/,
      patternText: '[\\w+=,.@-]+',
      required: true as const,
    }),
    Path: P.path(),
  },
  resource: (ctx, p) => virtualSerial(ctx.caller.principal.accountId, p.Path ?? '/', p.VirtualMFADeviceName),
  async run(ctx, p) {
    const accountId = ctx.caller.principal.accountId;
    const { device, secret } = await createVirtualDevice(
      ctx.deps,
      accountId,
      { name: p.VirtualMFADeviceName, path: p.Path ?? '/' },
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    const png = await qrCodePng(otpauthUri(secret, `${device.name}@${accountId}`, 'Gatehouse'));
    return {
      VirtualMFADevice: {
        SerialNumber: device.serial,
        Base32StringSeed: Buffer.from(secret, 'ascii').toString('base64'),
        QRCodePNG: png.toString('base64'),
      },
    };
  },
});
