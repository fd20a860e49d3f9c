import { findDeviceBySerial } from '../../mfa/mfa.repository.ts';
import { GatehouseError } from '../../shared/errors.ts';
import { defineAction } from '../action.ts';
import { P, str } from '../params.ts';
import { awsTime } from '../xml.ts';
import { mfaOwnerOf, serialParam } from './mfa-owner.ts';
import { userOrCallerResource } from './shared.ts';

/** GetMFADevice(SerialNumber, UserName?) → UserName, SerialNumber, EnableDate of a device the user holds. */
export const GetMFADevice = defineAction({
  name: 'GetMFADevice',
  service: 'iam',
  permission: 'iam:GetMFADevice',
  params: { SerialNumber: str(serialParam()), UserName: P.userName() },
  resource: (ctx, p) => userOrCallerResource(ctx, p.UserName),
  async run(ctx, p) {
    const owner = await mfaOwnerOf(ctx, p.UserName);
    const device = await findDeviceBySerial(ctx.deps.db, p.SerialNumber);
    if (!device || device.principalId !== owner.id || !device.enabledAt) {
      throw new GatehouseError('NoSuchEntity', `MFA Device with serial number ${p.SerialNumber} does not exist.`);
    }
    return {
      UserName: owner.type === 'user' ? owner.name : undefined,
      SerialNumber: device.serial,
      EnableDate: awsTime(device.enabledAt),
    };
  },
});
