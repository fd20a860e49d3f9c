import { rootArn } from '../../identities/principal.ts';
import { listVirtualDevices } from '../../mfa/mfa.repository.ts';
import { findUserById } from '../../identities/user.repository.ts';
import { defineAction } from '../action.ts';
import { P, oneOf } from '../params.ts';
import { type XmlObject, awsTime } from '../xml.ts';
import { pageOf, userXml } from './shared.ts';

/**
 * ListVirtualMFADevices(AssignmentStatus? Assigned|Unassigned|Any, Marker?, MaxItems?) →
 * VirtualMFADevices[{SerialNumber, EnableDate?, User?}]. Seeds are never listed.
 */
export const ListVirtualMFADevices = defineAction({
  name: 'ListVirtualMFADevices',
  service: 'iam',
  permission: 'iam:ListVirtualMFADevices',
  params: { AssignmentStatus: oneOf(['Assigned', 'Unassigned', 'Any']), Marker: P.marker(), MaxItems: P.maxItems() },
  resource: () => '*',
  async run(ctx, p) {
    const accountId = ctx.caller.principal.accountId;
    const status = p.AssignmentStatus ?? 'Any';
    const devices = await listVirtualDevices(
      ctx.deps.db,
      accountId,
      status === 'Any' ? undefined : status === 'Assigned',
    );
    const { page, IsTruncated, Marker } = pageOf('vmfa', devices, (d) => d.serial, p.Marker, p.MaxItems);
    const items: XmlObject[] = [];
    for (const d of page) {
      if (!d.enabledAt || !d.principalId) {
        items.push({ SerialNumber: d.serial });
        continue;
      }
      const root = d.principalId === accountId;
      const user = root ? null : await findUserById(ctx.deps.db, d.principalId);
      // A device whose user was deleted meanwhile is listed as the entity AWS would leave: unassigned.
      if (!root && !user) {
        items.push({ SerialNumber: d.serial });
        continue;
      }
      items.push({
        SerialNumber: d.serial,
        EnableDate: awsTime(d.enabledAt),
        User: user ? userXml(user) : { UserId: accountId, Arn: rootArn(accountId) },
      });
    }
    return { VirtualMFADevices: items, IsTruncated, Marker };
  },
});
