import { actorOf } from '../../identities/principal.ts';
import { updateGroup } from '../../groups/group.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { IP, groupResource } from './iam-policy-shared.ts';

/** UpdateGroup(GroupName, NewGroupName?, NewPath?) → nothing. Members and policies stay with the group. */
export const UpdateGroup = defineAction({
  name: 'UpdateGroup',
  service: 'iam',
  permission: 'iam:UpdateGroup',
  params: { GroupName: IP.groupName(), NewGroupName: IP.newGroupName(), NewPath: P.path() },
  resource: (ctx, p) => groupResource(ctx, p.GroupName),
  async run(ctx, p) {
    await updateGroup(
      ctx.deps,
      ctx.caller.principal.accountId,
      p.GroupName,
      {
        ...(p.NewGroupName !== undefined ? { newName: p.NewGroupName } : {}),
        ...(p.NewPath !== undefined ? { newPath: p.NewPath } : {}),
      },
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
