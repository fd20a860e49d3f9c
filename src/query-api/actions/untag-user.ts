import { actorOf } from '../../accounts/principal.ts';
import { untagUser } from '../../user-tags/user-tag.service.ts';
import { defineAction } from '../action.ts';
import { P, list, str } from '../params.ts';
import { userResource } from './shared.ts';

/** UntagUser(UserName, TagKeys) → nothing. Keys match ignoring case; absent keys are ignored. */
const PARAMS = { UserName: P.userName(true), TagKeys: list(str({ ...P.tagKey(), required: true }), { max: 50, required: true }) };

export const UntagUser = defineAction({
  name: 'UntagUser',
  service: 'iam',
  permission: 'iam:UntagUser',
  params: PARAMS,
  resource: (ctx, p) => userResource(ctx, p.UserName),
  async run(ctx, p) {
    await untagUser(ctx.deps, ctx.caller.principal.accountId, p.UserName, p.TagKeys, actorOf(ctx.caller.principal), ctx.meta);
    return null;
  },
});
