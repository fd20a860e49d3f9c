import { createAccessKey } from '../../access-keys/access-key.service.ts';
import { actorOf } from '../../identities/principal.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { awsTime } from '../xml.ts';
import { keyOwnerOf, keyOwnerResource } from './access-key-owner.ts';

/**
 * CreateAccessKey(UserName?) → AccessKey with its SecretAccessKey, the only time the
 * secret is ever shown. Two keys per user at most (LimitExceeded). Root keys carry no UserName.
 */
export const CreateAccessKey = defineAction({
  name: 'CreateAccessKey',
  service: 'iam',
  permission: 'iam:CreateAccessKey',
  params: { UserName: P.userName() },
  resource: (ctx, p) => keyOwnerResource(ctx, p.UserName),
  async run(ctx, p) {
    const key = await createAccessKey(
      ctx.deps,
      await keyOwnerOf(ctx, p.UserName),
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return {
      AccessKey: {
        UserName: key.owner.userName ?? undefined,
        AccessKeyId: key.accessKeyId,
        Status: key.status,
        SecretAccessKey: key.secretAccessKey,
        CreateDate: awsTime(key.createdAt),
      },
    };
  },
});
