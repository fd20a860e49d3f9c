import { actorOf } from '../../identities/principal.ts';
import { createPolicy } from '../../policies/managed-policy.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { IP, newPolicyResource, policyXml } from './iam-policy-shared.ts';
import { TAGS } from './tag-params.ts';

/**
 * CreatePolicy(PolicyName, PolicyDocument, Path?, Description?, Tags?) → Policy, with
 * version v1 as its default. As IAM answers, the result leaves the description out and
 * shows Tags only when some were given, in the order given.
 */
export const CreatePolicy = defineAction({
  name: 'CreatePolicy',
  service: 'iam',
  permission: 'iam:CreatePolicy',
  params: {
    PolicyName: IP.policyName(),
    PolicyDocument: IP.policyDocument(),
    Path: P.path(),
    Description: IP.description(),
    Tags: TAGS(),
  },
  resource: (ctx, p) => newPolicyResource(ctx, p.PolicyName, p.Path),
  async run(ctx, p) {
    const tags = (p.Tags ?? []).map((t) => ({ key: t.Key, value: t.Value }));
    const policy = await createPolicy(
      ctx.deps,
      ctx.caller.principal.accountId,
      {
        name: p.PolicyName,
        document: p.PolicyDocument,
        tags,
        ...(p.Path ? { path: p.Path } : {}),
        ...(p.Description !== undefined ? { description: p.Description } : {}),
      },
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return { Policy: policyXml(policy, tags.length > 0 ? { tags } : {}) };
  },
});
