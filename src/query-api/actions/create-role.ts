import { actorOf } from '../../identities/principal.ts';
import { roleArn } from '../../identities/role.repository.ts';
import { createRole } from '../../roles/role.service.ts';
import { viewOfSaved } from '../../roles/role-view.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { RP, createdRoleXml } from './role-shared.ts';
import { TAGS } from './tag-params.ts';

/**
 * CreateRole(RoleName, AssumeRolePolicyDocument, Path?, Description?, MaxSessionDuration?,
 * PermissionsBoundary?, Tags?) → Role. Names are unique per account ignoring case; the trust
 * policy is checked as IAM checks it and every user or role of this Gatehouse it names must exist.
 */
export const CreateRole = defineAction({
  name: 'CreateRole',
  service: 'iam',
  permission: 'iam:CreateRole',
  params: {
    RoleName: RP.roleName(),
    AssumeRolePolicyDocument: RP.trustPolicy(),
    Path: P.path(),
    Description: RP.description(),
    MaxSessionDuration: RP.maxSessionDuration(),
    PermissionsBoundary: RP.permissionsBoundary(),
    Tags: TAGS(),
  },
  resource: (ctx, p) => roleArn(ctx.caller.principal.accountId, p.Path ?? '/', p.RoleName),
  // Lets a policy require a boundary on the roles it allows creating (delegated administration).
  conditionKeys: (p): Record<string, string> =>
    p.PermissionsBoundary ? { 'iam:PermissionsBoundary': p.PermissionsBoundary } : {},
  async run(ctx, p) {
    const tags = (p.Tags ?? []).map((t) => ({ key: t.Key, value: t.Value }));
    const role = await createRole(
      ctx.deps,
      ctx.caller.principal.accountId,
      {
        name: p.RoleName,
        trustPolicy: p.AssumeRolePolicyDocument,
        ...(p.Path !== undefined ? { path: p.Path } : {}),
        ...(p.Description !== undefined ? { description: p.Description } : {}),
        ...(p.MaxSessionDuration !== undefined ? { maxSessionDuration: p.MaxSessionDuration } : {}),
        ...(p.PermissionsBoundary !== undefined ? { permissionsBoundary: p.PermissionsBoundary } : {}),
        tags,
      },
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return { Role: createdRoleXml(viewOfSaved(role), tags) };
  },
});
