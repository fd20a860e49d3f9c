import { actorOf } from '../../identities/principal.ts';
import { untagUser } from '../../user-tags/user-tag.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { userResource } from './shared.ts';
import { TAG_KEYS, assertTagKeys } from './tag-params.ts';

/** UntagUser(UserName, TagKeys) → nothing. Keys match ignoring case; absent keys are ignored. */
const PARAMS = { UserName: P.userName(true), TagKeys: TAG_KEYS() };

export const UntagUser = defineAction({
  name: 'UntagUser',
  service: 'iam',
  permission: 'iam:UntagUser',
  params: PARAMS,
  resource: (ctx, p) => userResource(ctx, p.UserName),
  async run(ctx, p) {
    assertTagKeys(p.TagKeys);
    await untagUser(
      ctx.deps,
      ctx.caller.principal.accountId,
      p.UserName,
      p.TagKeys,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
