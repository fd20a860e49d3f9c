import { lastPasswordSignIns } from '../../audit/audit.repository.ts';
import { listUsersPage } from '../../identities/user.repository.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { DEFAULT_MAX_ITEMS, decodeMarker, encodeMarker, passwordLastUsedXml, userXml } from './shared.ts';

/** ListUsers(PathPrefix?, Marker?, MaxItems?) → Users in name order (with PasswordLastUsed), IsTruncated, Marker when truncated. */
export const ListUsers = defineAction({
  name: 'ListUsers',
  service: 'iam',
  permission: 'iam:ListUsers',
  params: { PathPrefix: P.pathPrefix(), Marker: P.marker(), MaxItems: P.maxItems() },
  resource: () => '*',
  async run(ctx, p) {
    const limit = p.MaxItems ?? DEFAULT_MAX_ITEMS;
    const users = await listUsersPage(ctx.deps.db, ctx.caller.principal.accountId, {
      pathPrefix: p.PathPrefix ?? '/',
      afterNameKey: decodeMarker('users', p.Marker),
      limit: limit + 1,
    });
    const page = users.slice(0, limit);
    const truncated = users.length > limit;
    const used = await lastPasswordSignIns(
      ctx.deps.db,
      ctx.caller.principal.accountId,
      page.map((u) => u.id),
    );
    return {
      Users: page.map((u) => userXml(u, passwordLastUsedXml(used.get(u.id)))),
      IsTruncated: truncated,
      Marker: truncated ? encodeMarker('users', page[page.length - 1]!.name.toLowerCase()) : undefined,
    };
  },
});
