import { actorOf } from '../../identities/principal.ts';
import { deleteGroup } from '../../groups/group.service.ts';
import { defineAction } from '../action.ts';
import { IP, groupResource } from './iam-policy-shared.ts';

/** DeleteGroup(GroupName) → nothing; DeleteConflict while it has members or policies. */
export const DeleteGroup = defineAction({
  name: 'DeleteGroup',
  service: 'iam',
  permission: 'iam:DeleteGroup',
  params: { GroupName: IP.groupName() },
  resource: (ctx, p) => groupResource(ctx, p.GroupName),
  async run(ctx, p) {
    await deleteGroup(ctx.deps, ctx.caller.principal.accountId, p.GroupName, actorOf(ctx.caller.principal), ctx.meta);
    return null;
  },
});
