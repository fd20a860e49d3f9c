import { rolesPage } from '../../roles/role-view.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { listedRoleXml } from './role-shared.ts';
import { DEFAULT_MAX_ITEMS, decodeMarker, encodeMarker } from './shared.ts';

/** ListRoles(PathPrefix?, Marker?, MaxItems?) → Roles in name order, IsTruncated, Marker when truncated. */
export const ListRoles = defineAction({
  name: 'ListRoles',
  service: 'iam',
  permission: 'iam:ListRoles',
  params: { PathPrefix: P.pathPrefix(), Marker: P.marker(), MaxItems: P.maxItems() },
  resource: () => '*',
  async run(ctx, p) {
    const limit = p.MaxItems ?? DEFAULT_MAX_ITEMS;
    const roles = await rolesPage(ctx.deps, ctx.caller.principal.accountId, {
      pathPrefix: p.PathPrefix ?? '/',
      afterNameKey: decodeMarker('roles', p.Marker),
      limit: limit + 1,
    });
    const page = roles.slice(0, limit);
    const truncated = roles.length > limit;
    return {
      Roles: page.map(listedRoleXml),
      IsTruncated: truncated,
      Marker: truncated ? encodeMarker('roles', page[page.length - 1]!.name.toLowerCase()) : undefined,
    };
  },
});
