import { actorOf } from '../../accounts/principal.ts';
import { createPolicy } from '../../policies/managed-policy.service.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { IP, newPolicyResource, policyXml } from './iam-policy-shared.ts';

/** CreatePolicy(PolicyName, PolicyDocument, Path?, Description?) → Policy, with version v1 as its default. */
export const CreatePolicy = defineAction({
  name: 'CreatePolicy',
  service: 'iam',
  permission: 'iam:CreatePolicy',
  params: { PolicyName: IP.policyName(), PolicyDocument: IP.policyDocument(), Path: P.path(), Description: IP.description() },
  resource: (ctx, p) => newPolicyResource(ctx, p.PolicyName, p.Path),
  async run(ctx, p) {
    const policy = await createPolicy(
      ctx.deps,
      ctx.caller.principal.accountId,
      { name: p.PolicyName, document: p.PolicyDocument, ...(p.Path ? { path: p.Path } : {}), ...(p.Description !== undefined ? { description: p.Description } : {}) },
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return { Policy: policyXml(policy, { description: true }) };
  },
});
