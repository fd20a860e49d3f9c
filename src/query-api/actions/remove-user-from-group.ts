import { actorOf } from '../../identities/principal.ts';
import { removeUserFromGroup } from '../../groups/group.service.ts';
import { defineAction } from '../action.ts';
import { IP, groupResource } from './iam-policy-shared.ts';

/** RemoveUserFromGroup(GroupName, UserName) → nothing. */
export const RemoveUserFromGroup = defineAction({
  name: 'RemoveUserFromGroup',
  service: 'iam',
  permission: 'iam:RemoveUserFromGroup',
  params: { GroupName: IP.groupName(), UserName: IP.userName() },
  resource: (ctx, p) => groupResource(ctx, p.GroupName),
  async run(ctx, p) {
    await removeUserFromGroup(
      ctx.deps,
      ctx.caller.principal.accountId,
      p.GroupName,
      p.UserName,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
