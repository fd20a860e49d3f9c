import { getGroup } from '../../groups/group.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { IP, groupResource, groupXml } from './iam-policy-shared.ts';
import { pageOf, userXml } from './shared.ts';

/** GetGroup(GroupName, Marker?, MaxItems?) → Group and its Users in name order. */
export const GetGroup = defineAction({
  name: 'GetGroup',
  service: 'iam',
  permission: 'iam:GetGroup',
  params: { GroupName: IP.groupName(), Marker: P.marker(), MaxItems: P.maxItems() },
  resource: (ctx, p) => groupResource(ctx, p.GroupName),
  async run(ctx, p) {
    const { group, users } = await getGroup(ctx.deps, ctx.caller.principal.accountId, p.GroupName);
    const { page, ...more } = pageOf('group-users', users, (u) => u.name.toLowerCase(), p.Marker, p.MaxItems);
    return { Group: groupXml(group), Users: page.map((u) => userXml(u)), ...more };
  },
});
