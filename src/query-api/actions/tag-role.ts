import { actorOf } from '../../identities/principal.ts';
import { tagRole } from '../../roles/role.service.ts';
import { defineAction } from '../action.ts';
import { RP, roleResource } from './role-shared.ts';
import { TAGS } from './tag-params.ts';

/** TagRole(RoleName, Tags) → nothing. A key already present (ignoring case) gets the new value. */
export const TagRole = defineAction({
  name: 'TagRole',
  service: 'iam',
  permission: 'iam:TagRole',
  params: { RoleName: RP.roleName(), Tags: TAGS({ required: true }) },
  resource: (ctx, p) => roleResource(ctx, p.RoleName),
  async run(ctx, p) {
    const tags = p.Tags.map((t) => ({ key: t.Key, value: t.Value }));
    await tagRole(ctx.deps, ctx.caller.principal.accountId, p.RoleName, tags, actorOf(ctx.caller.principal), ctx.meta);
    return null;
  },
});
