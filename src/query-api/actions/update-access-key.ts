import { updateAccessKeyStatus } from '../../access-keys/access-key.service.ts';
import { actorOf } from '../../identities/principal.ts';
import { defineAction } from '../action.ts';
import { P, oneOf } from '../params.ts';
import { keyOwnerOf, keyOwnerResource } from './access-key-owner.ts';

/** UpdateAccessKey(UserName?, AccessKeyId, Status) → nothing. Status is Active or Inactive; inactive keys are refused at sign-in. */
export const UpdateAccessKey = defineAction({
  name: 'UpdateAccessKey',
  service: 'iam',
  permission: 'iam:UpdateAccessKey',
  params: {
    UserName: P.userName(),
    AccessKeyId: P.accessKeyId(true),
    Status: oneOf(['Active', 'Inactive'], { required: true }),
  },
  resource: (ctx, p) => keyOwnerResource(ctx, p.UserName),
  async run(ctx, p) {
    const owner = await keyOwnerOf(ctx, p.UserName);
    await updateAccessKeyStatus(
      ctx.deps,
      owner,
      p.AccessKeyId,
      p.Status === 'Active' ? 'Active' : 'Inactive',
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
