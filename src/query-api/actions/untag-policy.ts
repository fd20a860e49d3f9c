import { actorOf } from '../../identities/principal.ts';
import { untagPolicy } from '../../policies/policy-tags.service.ts';
import { defineAction } from '../action.ts';
import { IP } from './iam-policy-shared.ts';
import { TAG_KEYS, assertTagKeys } from './tag-params.ts';

/** UntagPolicy(PolicyArn, TagKeys) → nothing. Keys match exactly; absent keys are ignored. */
export const UntagPolicy = defineAction({
  name: 'UntagPolicy',
  service: 'iam',
  permission: 'iam:UntagPolicy',
  params: { PolicyArn: IP.policyArn(), TagKeys: TAG_KEYS() },
  resource: (_ctx, p) => p.PolicyArn,
  async run(ctx, p) {
    assertTagKeys(p.TagKeys);
    await untagPolicy(
      ctx.deps,
      ctx.caller.principal.accountId,
      p.PolicyArn,
      p.TagKeys,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
