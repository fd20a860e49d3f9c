import { tagsOfPolicy } from '../../policies/policy-tags.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { IP } from './iam-policy-shared.ts';
import { pageOf } from './shared.ts';
import { tagPageKey } from './tag-params.ts';

/** ListPolicyTags(PolicyArn, Marker?, MaxItems?) → Tags (in the order their keys were first given), IsTruncated. */
export const ListPolicyTags = defineAction({
  name: 'ListPolicyTags',
  service: 'iam',
  permission: 'iam:ListPolicyTags',
  params: { PolicyArn: IP.policyArn(), Marker: P.marker(), MaxItems: P.maxItems() },
  resource: (_ctx, p) => p.PolicyArn,
  async run(ctx, p) {
    const tags = (await tagsOfPolicy(ctx.deps.db, ctx.caller.principal.accountId, p.PolicyArn)).map((tag, index) => ({
      tag,
      index,
    }));
    const { page, IsTruncated, Marker } = pageOf('tags', tags, (t) => tagPageKey(t.index), p.Marker, p.MaxItems);
    return { Tags: page.map(({ tag }) => ({ Key: tag.key, Value: tag.value })), IsTruncated, Marker };
  },
});
