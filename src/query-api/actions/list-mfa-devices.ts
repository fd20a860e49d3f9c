import { listDevicesOf } from '../../mfa/mfa.repository.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { awsTime } from '../xml.ts';
import { mfaOwnerOf } from './mfa-owner.ts';
import { pageOf, userOrCallerResource } from './shared.ts';

/** ListMFADevices(UserName?, Marker?, MaxItems?) → MFADevices[{UserName, SerialNumber, EnableDate}], every kind. */
export const ListMFADevices = defineAction({
  name: 'ListMFADevices',
  service: 'iam',
  permission: 'iam:ListMFADevices',
  params: { UserName: P.userName(), Marker: P.marker(), MaxItems: P.maxItems() },
  resource: (ctx, p) => userOrCallerResource(ctx, p.UserName),
  async run(ctx, p) {
    const owner = await mfaOwnerOf(ctx, p.UserName);
    const devices = await listDevicesOf(ctx.deps.db, owner.id);
    const { page, IsTruncated, Marker } = pageOf('mfa', devices, (d) => d.serial, p.Marker, p.MaxItems);
    return {
      MFADevices: page.map((d) => ({
        UserName: owner.type === 'user' ? owner.name : undefined,
        SerialNumber: d.serial,
        EnableDate: awsTime(d.enabledAt!),
      })),
      IsTruncated,
      Marker,
    };
  },
});
