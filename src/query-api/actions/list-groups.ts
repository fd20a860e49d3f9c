import { listGroups } from '../../groups/group.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { groupXml } from './iam-policy-shared.ts';
import { pageOf } from './shared.ts';

/** ListGroups(PathPrefix?, Marker?, MaxItems?) → Groups in name order. */
export const ListGroups = defineAction({
  name: 'ListGroups',
  service: 'iam',
  permission: 'iam:ListGroups',
  params: { PathPrefix: P.pathPrefix(), Marker: P.marker(), MaxItems: P.maxItems() },
  resource: () => '*',
  async run(ctx, p) {
    const groups = await listGroups(ctx.deps, ctx.caller.principal.accountId, { pathPrefix: p.PathPrefix ?? '/' });
    const { page, ...more } = pageOf('groups', groups, (g) => g.name.toLowerCase(), p.Marker, p.MaxItems);
    return { Groups: page.map(groupXml), ...more };
  },
});
