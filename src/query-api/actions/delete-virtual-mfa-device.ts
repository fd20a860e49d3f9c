import { actorOf } from '../../identities/principal.ts';
import { deleteVirtualDevice } from '../../mfa/mfa.service.ts';
import { defineAction } from '../action.ts';
import { str } from '../params.ts';
import { serialParam } from './mfa-owner.ts';

/** DeleteVirtualMFADevice(SerialNumber) → empty; DeleteConflict while still assigned to someone. */
export const DeleteVirtualMFADevice = defineAction({
  name: 'DeleteVirtualMFADevice',
  service: 'iam',
  permission: 'iam:DeleteVirtualMFADevice',
  params: { SerialNumber: str(serialParam()) },
  resource: (_ctx, p) => p.SerialNumber,
  async run(ctx, p) {
    await deleteVirtualDevice(
      ctx.deps,
      ctx.caller.principal.accountId,
      p.SerialNumber,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
