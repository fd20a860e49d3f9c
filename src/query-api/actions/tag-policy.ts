import { actorOf } from '../../identities/principal.ts';
import { tagPolicy } from '../../policies/policy-tags.service.ts';
import { defineAction } from '../action.ts';
import { IP } from './iam-policy-shared.ts';
import { TAGS } from './tag-params.ts';

/** TagPolicy(PolicyArn, Tags) → nothing. A key the policy has (case-sensitive) gets the new value. */
export const TagPolicy = defineAction({
  name: 'TagPolicy',
  service: 'iam',
  permission: 'iam:TagPolicy',
  params: { PolicyArn: IP.policyArn(), Tags: TAGS({ required: true }) },
  resource: (_ctx, p) => p.PolicyArn,
  async run(ctx, p) {
    const tags = p.Tags.map((t) => ({ key: t.Key, value: t.Value }));
    await tagPolicy(
      ctx.deps,
      ctx.caller.principal.accountId,
      p.PolicyArn,
      tags,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
