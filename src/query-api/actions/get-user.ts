import { findAccount } from '../../accounts/account.repository.ts';
import { listUserTags } from '../../user-tags/user-tag.repository.ts';
import { getUser } from '../../users/user.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { rootUserXml, userOrCallerResource, userXml } from './shared.ts';

/** GetUser(UserName?) → User, with Tags when it has any. Without a name: the caller (the root user too). */
export const GetUser = defineAction({
  name: 'GetUser',
  service: 'iam',
  permission: 'iam:GetUser',
  params: { UserName: P.userName() },
  resource: (ctx, p) => userOrCallerResource(ctx, p.UserName),
  async run(ctx, p) {
    const { principal } = ctx.caller;
    if (p.UserName === undefined && principal.type === 'root') {
      const account = await findAccount(ctx.deps.db, principal.accountId);
      return { User: rootUserXml(principal, account?.createdAt ?? ctx.deps.clock.now().toISOString()) };
    }
    const user = await getUser(ctx.deps, principal.accountId, p.UserName ?? principal.name);
    const tags = await listUserTags(ctx.deps.db, user.id);
    return { User: userXml(user, tags.length > 0 ? { Tags: tags.map((t) => ({ Key: t.key, Value: t.value })) } : {}) };
  },
});
