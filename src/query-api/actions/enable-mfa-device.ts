import { actorOf } from '../../identities/principal.ts';
import { enableVirtualDevice } from '../../mfa/mfa.service.ts';
import { defineAction } from '../action.ts';
import { P, str } from '../params.ts';
import { codeParam, mfaOwnerOf, serialParam } from './mfa-owner.ts';
import { userResource } from './shared.ts';

/**
 * EnableMFADevice(UserName, SerialNumber, AuthenticationCode1, AuthenticationCode2) → empty.
 * The two codes must be consecutive and current. InvalidAuthenticationCode, EntityAlreadyExists
 * ("MFA Device is already in use."), LimitExceeded (8 devices), NoSuchEntity.
 */
export const EnableMFADevice = defineAction({
  name: 'EnableMFADevice',
  service: 'iam',
  permission: 'iam:EnableMFADevice',
  params: {
    UserName: P.userName(true),
    SerialNumber: str(serialParam()),
    AuthenticationCode1: str(codeParam()),
    AuthenticationCode2: str(codeParam()),
  },
  resource: (ctx, p) => userResource(ctx, p.UserName),
  async run(ctx, p) {
    const owner = await mfaOwnerOf(ctx, p.UserName);
    await enableVirtualDevice(
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
