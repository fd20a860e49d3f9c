import { actorOf } from '../../identities/principal.ts';
import { putUserPermissionsBoundary } from '../../policies/permissions-boundary.service.ts';
import { defineAction } from '../action.ts';
import { IP } from './iam-policy-shared.ts';
import { userResource } from './shared.ts';

/** PutUserPermissionsBoundary(UserName, PermissionsBoundary) → nothing. A managed policy (AWS's or the account's own); replaces any other. */
export const PutUserPermissionsBoundary = defineAction({
  name: 'PutUserPermissionsBoundary',
  service: 'iam',
  permission: 'iam:PutUserPermissionsBoundary',
  params: { UserName: IP.userName(), PermissionsBoundary: IP.policyArn() },
  resource: (ctx, p) => userResource(ctx, p.UserName),
  conditionKeys: (p) => ({ 'iam:PermissionsBoundary': p.PermissionsBoundary }),
  async run(ctx, p) {
    await putUserPermissionsBoundary(
      ctx.deps,
      ctx.caller.principal.accountId,
      p.UserName,
      p.PermissionsBoundary,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
