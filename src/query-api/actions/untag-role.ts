import { actorOf } from '../../identities/principal.ts';
import { untagRole } from '../../roles/role.service.ts';
import { defineAction } from '../action.ts';
import { RP, roleResource } from './role-shared.ts';
import { TAG_KEYS, assertTagKeys } from './tag-params.ts';

/** UntagRole(RoleName, TagKeys) → nothing. Keys match ignoring case; absent keys are ignored. */
export const UntagRole = defineAction({
  name: 'UntagRole',
  service: 'iam',
  permission: 'iam:UntagRole',
  params: { RoleName: RP.roleName(), TagKeys: TAG_KEYS() },
  resource: (ctx, p) => roleResource(ctx, p.RoleName),
  async run(ctx, p) {
    assertTagKeys(p.TagKeys);
    await untagRole(
      ctx.deps,
      ctx.caller.principal.accountId,
      p.RoleName,
      p.TagKeys,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
