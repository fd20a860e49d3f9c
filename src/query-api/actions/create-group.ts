import { actorOf } from '../../identities/principal.ts';
import { createGroup } from '../../groups/group.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { IP, groupXml } from './iam-policy-shared.ts';

/** CreateGroup(GroupName, Path?) → Group. Names are unique per account ignoring case. */
export const CreateGroup = defineAction({
  name: 'CreateGroup',
  service: 'iam',
  permission: 'iam:CreateGroup',
  params: { GroupName: IP.groupName(), Path: P.path() },
  resource: (ctx, p) => `arn:aws:iam::${ctx.caller.principal.accountId}:group${p.Path ?? '/'}${p.GroupName}`,
  async run(ctx, p) {
    const group = await createGroup(
      ctx.deps,
      ctx.caller.principal.accountId,
      { name: p.GroupName, ...(p.Path ? { path: p.Path } : {}) },
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return { Group: groupXml(group) };
  },
});
