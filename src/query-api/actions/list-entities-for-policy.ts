import { listEntitiesForPolicy } from '../../policies/attachment.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { IP } from './iam-policy-shared.ts';

/** ListEntitiesForPolicy(PolicyArn, EntityFilter?, PathPrefix?, Marker?, MaxItems?) → PolicyGroups, PolicyUsers, PolicyRoles. */
export const ListEntitiesForPolicy = defineAction({
  name: 'ListEntitiesForPolicy',
  service: 'iam',
  permission: 'iam:ListEntitiesForPolicy',
  params: {
    PolicyArn: IP.policyArn(),
    EntityFilter: IP.entityFilter(),
    PathPrefix: P.pathPrefix(),
    Marker: P.marker(),
    MaxItems: P.maxItems(),
  },
  resource: (_ctx, p) => p.PolicyArn,
  async run(ctx, p) {
    const filter =
      p.EntityFilter === 'User' || p.EntityFilter === 'Group' || p.EntityFilter === 'Role' ? p.EntityFilter : undefined;
    const entities =
      p.EntityFilter === 'LocalManagedPolicy' || p.EntityFilter === 'AWSManagedPolicy'
        ? { users: [], groups: [], roles: [] }
        : await listEntitiesForPolicy(ctx.deps, ctx.caller.principal.accountId, p.PolicyArn, {
            ...(filter ? { entityFilter: filter } : {}),
            pathPrefix: p.PathPrefix ?? '/',
          });
    return {
      PolicyGroups: entities.groups.map((g) => ({ GroupName: g.groupName, GroupId: g.groupId })),
      PolicyUsers: entities.users.map((u) => ({ UserName: u.userName, UserId: u.userId })),
      PolicyRoles: entities.roles.map((r) => ({ RoleName: r.roleName, RoleId: r.roleId })),
      IsTruncated: false,
    };
  },
});
