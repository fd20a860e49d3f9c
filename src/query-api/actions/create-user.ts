import { actorOf } from '../../identities/principal.ts';
import { assertDistinctTagKeys } from '../../user-tags/user-tag.service.ts';
import { createUser } from '../../users/user.service.ts';
import { defineAction } from '../action.ts';
import { P, str, structList } from '../params.ts';
import { permissionsBoundaryXml, userResource, userXml } from './shared.ts';

/** CreateUser(UserName, Path?, Tags?, PermissionsBoundary?) → User. Names are unique ignoring case. */
export const CreateUser = defineAction({
  name: 'CreateUser',
  service: 'iam',
  permission: 'iam:CreateUser',
  params: {
    UserName: { ...P.newUserName(), required: true as const },
    Path: P.path(),
    Tags: structList({ Key: P.tagKey(), Value: P.tagValue() }, { max: 50 }),
    PermissionsBoundary: str({ min: 20, max: 2048 }),
  },
  resource: (ctx, p) => userResource(ctx, p.UserName),
  // Lets a policy require a boundary on the users it allows creating (delegated administration).
  conditionKeys: (p): Record<string, string> =>
    p.PermissionsBoundary ? { 'iam:PermissionsBoundary': p.PermissionsBoundary } : {},
  async run(ctx, p) {
    const tags = (p.Tags ?? []).map((t) => ({ key: t.Key, value: t.Value }));
    assertDistinctTagKeys(tags);
    const user = await createUser(
      ctx.deps,
      ctx.caller.principal.accountId,
      {
        name: p.UserName,
        ...(p.Path !== undefined ? { path: p.Path } : {}),
        tags,
        ...(p.PermissionsBoundary ? { permissionsBoundary: p.PermissionsBoundary } : {}),
      },
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return {
      User: userXml(user, {
        ...permissionsBoundaryXml(user),
        ...(tags.length > 0 ? { Tags: tags.map((t) => ({ Key: t.key, Value: t.value })) } : {}),
      }),
    };
  },
});
