import { listGroupsForUser } from '../../groups/group.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { IP, groupXml } from './iam-policy-shared.ts';
import { pageOf, userResource } from './shared.ts';

/** ListGroupsForUser(UserName, Marker?, MaxItems?) → Groups in name order. */
export const ListGroupsForUser = defineAction({
  name: 'ListGroupsForUser',
  service: 'iam',
  permission: 'iam:ListGroupsForUser',
  params: { UserName: IP.userName(), Marker: P.marker(), MaxItems: P.maxItems() },
  resource: (ctx, p) => userResource(ctx, p.UserName),
  async run(ctx, p) {
    const groups = await listGroupsForUser(ctx.deps, ctx.caller.principal.accountId, p.UserName);
    const { page, ...more } = pageOf('user-groups', groups, (g) => g.name.toLowerCase(), p.Marker, p.MaxItems);
    return { Groups: page.map(groupXml), ...more };
  },
});
