import { tagsOfUser } from '../../user-tags/user-tag.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { pageOf, userResource } from './shared.ts';

/** ListUserTags(UserName, Marker?, MaxItems?) → Tags (sorted by key), IsTruncated. */
export const ListUserTags = defineAction({
  name: 'ListUserTags',
  service: 'iam',
  permission: 'iam:ListUserTags',
  params: { UserName: P.userName(true), Marker: P.marker(), MaxItems: P.maxItems() },
  resource: (ctx, p) => userResource(ctx, p.UserName),
  async run(ctx, p) {
    const tags = await tagsOfUser(ctx.deps, ctx.caller.principal.accountId, p.UserName);
    const { page, IsTruncated, Marker } = pageOf('tags', tags, (t) => t.key.toLowerCase(), p.Marker, p.MaxItems);
    return { Tags: page.map((t) => ({ Key: t.key, Value: t.value })), IsTruncated, Marker };
  },
});
