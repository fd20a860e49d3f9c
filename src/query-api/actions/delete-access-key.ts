import { deleteAccessKey } from '../../access-keys/access-key.service.ts';
import { actorOf } from '../../identities/principal.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { keyOwnerOf, keyOwnerResource } from './access-key-owner.ts';

/** DeleteAccessKey(UserName?, AccessKeyId) → nothing. */
export const DeleteAccessKey = defineAction({
  name: 'DeleteAccessKey',
  service: 'iam',
  permission: 'iam:DeleteAccessKey',
  params: { UserName: P.userName(), AccessKeyId: P.accessKeyId(true) },
  resource: (ctx, p) => keyOwnerResource(ctx, p.UserName),
  async run(ctx, p) {
    await deleteAccessKey(
      ctx.deps,
      await keyOwnerOf(ctx, p.UserName),
      p.AccessKeyId,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
