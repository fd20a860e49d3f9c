import { actorOf } from '../../identities/principal.ts';
import { resyncVirtualDevice } from '../../mfa/mfa.service.ts';
import { defineAction } from '../action.ts';
import { P, str } from '../params.ts';
import { codeParam, mfaOwnerOf, serialParam } from './mfa-owner.ts';
import { userResource } from './shared.ts';

/**
 * ResyncMFADevice(UserName, SerialNumber, AuthenticationCode1, AuthenticationCode2) → empty.
 * Two consecutive codes within ±5 minutes of now teach Gatehouse the device's clock offset.
 */
export const ResyncMFADevice = defineAction({
  name: 'ResyncMFADevice',
  service: 'iam',
  permission: 'iam:ResyncMFADevice',
  params: {
    UserName: P.userName(true),
    SerialNumber: str(serialParam()),
    AuthenticationCode1: str(codeParam()),
    AuthenticationCode2: str(codeParam()),
  },
  resource: (ctx, p) => userResource(ctx, p.UserName),
  async run(ctx, p) {
    const owner = await mfaOwnerOf(ctx, p.UserName);
    await resyncVirtualDevice(
      ctx.deps,
      owner,
      p.SerialNumber,
      p.AuthenticationCode1,
      p.AuthenticationCode2,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
