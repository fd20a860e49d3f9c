import { tagsOfRole } from '../../roles/role-view.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { RP, roleResource } from './role-shared.ts';
import { pageOf } from './shared.ts';
import { tagPageKey } from './tag-params.ts';

/** ListRoleTags(RoleName, Marker?, MaxItems?) → Tags (in the order their keys were first given), IsTruncated. */
export const ListRoleTags = defineAction({
  name: 'ListRoleTags',
  service: 'iam',
  permission: 'iam:ListRoleTags',
  params: { RoleName: RP.roleName(), Marker: P.marker(), MaxItems: P.maxItems() },
  resource: (ctx, p) => roleResource(ctx, p.RoleName),
  async run(ctx, p) {
    const tags = (await tagsOfRole(ctx.deps, ctx.caller.principal.accountId, p.RoleName)).map((tag, index) => ({
      tag,
      index,
    }));
    const { page, IsTruncated, Marker } = pageOf('tags', tags, (t) => tagPageKey(t.index), p.Marker, p.MaxItems);
    return { Tags: page.map(({ tag }) => ({ Key: tag.key, Value: tag.value })), IsTruncated, Marker };
  },
});
