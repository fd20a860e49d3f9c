import { tagsOfUser } from '../../user-tags/user-tag.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { pageOf, userResource } from './shared.ts';
import { tagPageKey } from './tag-params.ts';

/** ListUserTags(UserName, Marker?, MaxItems?) → Tags (in the order their keys were first given), IsTruncated. */
export const ListUserTags = defineAction({
  name: 'ListUserTags',
  service: 'iam',
  permission: 'iam:ListUserTags',
  params: { UserName: P.userName(true), Marker: P.marker(), MaxItems: P.maxItems() },
  resource: (ctx, p) => userResource(ctx, p.UserName),
  async run(ctx, p) {
    const tags = (await tagsOfUser(ctx.deps, ctx.caller.principal.accountId, p.UserName)).map((tag, index) => ({
      tag,
      index,
    }));
    const { page, IsTruncated, Marker } = pageOf('tags', tags, (t) => tagPageKey(t.index), p.Marker, p.MaxItems);
    return { Tags: page.map(({ tag }) => ({ Key: tag.key, Value: tag.value })), IsTruncated, Marker };
  },
});
