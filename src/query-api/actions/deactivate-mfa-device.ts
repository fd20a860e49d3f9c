import { actorOf } from '../../identities/principal.ts';
import { deactivateDevice } from '../../mfa/mfa.service.ts';
import { defineAction } from '../action.ts';
import { P, str } from '../params.ts';
import { mfaOwnerOf, serialParam } from './mfa-owner.ts';
import { userOrCallerResource } from './shared.ts';

/**
 * DeactivateMFADevice(UserName?, SerialNumber) → empty. UserName defaults to the caller.
 * A virtual device stays as an unassigned entity until DeleteVirtualMFADevice; a security
 * key is removed. NoSuchEntity "MFA Device with serial number … does not exist."
 */
export const DeactivateMFADevice = defineAction({
  name: 'DeactivateMFADevice',
  service: 'iam',
  permission: 'iam:DeactivateMFADevice',
  params: { UserName: P.userName(), SerialNumber: str(serialParam()) },
  resource: (ctx, p) => userOrCallerResource(ctx, p.UserName),
  async run(ctx, p) {
    const owner = await mfaOwnerOf(ctx, p.UserName);
    await deactivateDevice(ctx.deps, owner, { serial: p.SerialNumber }, actorOf(ctx.caller.principal), ctx.meta);
    return null;
  },
});
