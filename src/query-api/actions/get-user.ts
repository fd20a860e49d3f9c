import { findAccount } from '../../identities/account.repository.ts';
import { lastPasswordSignIns } from '../../audit/audit.repository.ts';
import { listUserTags } from '../../user-tags/user-tag.repository.ts';
import { getUser } from '../../users/user.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { passwordLastUsedXml, permissionsBoundaryXml, rootUserXml, userOrCallerResource, userXml } from './shared.ts';

/**
 * GetUser(UserName?) → User, with PasswordLastUsed once it has signed in with its password and
 * Tags when it has any. Without a name: the caller (the root user too).
 */
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
      const used = (await lastPasswordSignIns(ctx.deps.db, principal.accountId, [principal.id])).get(principal.id);
      return {
        User: {
          ...rootUserXml(principal, account?.createdAt ?? ctx.deps.clock.now().toISOString()),
          ...passwordLastUsedXml(used),
        },
      };
    }
    const user = await getUser(ctx.deps, principal.accountId, p.UserName ?? principal.name);
    const tags = await listUserTags(ctx.deps.db, user.id);
    const used = (await lastPasswordSignIns(ctx.deps.db, principal.accountId, [user.id])).get(user.id);
    const tagsXml = tags.length > 0 ? { Tags: tags.map((t) => ({ Key: t.key, Value: t.value })) } : {};
    return { User: userXml(user, { ...passwordLastUsedXml(used), ...permissionsBoundaryXml(user), ...tagsXml }) };
  },
});
