import { actorOf } from '../../identities/principal.ts';
import { addUserToGroup } from '../../groups/group.service.ts';
import { defineAction } from '../action.ts';
import { IP, groupResource } from './iam-policy-shared.ts';

/** AddUserToGroup(GroupName, UserName) → nothing. At most 10 groups per user. */
export const AddUserToGroup = defineAction({
  name: 'AddUserToGroup',
  service: 'iam',
  permission: 'iam:AddUserToGroup',
  params: { GroupName: IP.groupName(), UserName: IP.userName() },
  resource: (ctx, p) => groupResource(ctx, p.GroupName),
  async run(ctx, p) {
    await addUserToGroup(
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
