import { actorOf } from '../../identities/principal.ts';
import { tagUser } from '../../user-tags/user-tag.service.ts';
import { defineAction } from '../action.ts';
import { P, structList } from '../params.ts';
import { userResource } from './shared.ts';

/** TagUser(UserName, Tags) → nothing. A key already present (ignoring case) gets the new value. */
const PARAMS = {
  UserName: P.userName(true),
  Tags: structList({ Key: P.tagKey(), Value: P.tagValue() }, { max: 50, required: true }),
};

export const TagUser = defineAction({
  name: 'TagUser',
  service: 'iam',
  permission: 'iam:TagUser',
  params: PARAMS,
  resource: (ctx, p) => userResource(ctx, p.UserName),
  async run(ctx, p) {
    const tags = p.Tags.map((t) => ({ key: t.Key, value: t.Value }));
    await tagUser(ctx.deps, ctx.caller.principal.accountId, p.UserName, tags, actorOf(ctx.caller.principal), ctx.meta);
    return null;
  },
});
