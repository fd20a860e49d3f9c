import { actorOf } from '../../identities/principal.ts';
import { putInlinePolicy } from '../../policies/inline-policy.service.ts';
import { defineAction } from '../action.ts';
import { IP } from './iam-policy-shared.ts';
import { userResource } from './shared.ts';

/** PutUserPolicy(UserName, PolicyName, PolicyDocument) → nothing. Creates the inline policy or replaces its document. */
export const PutUserPolicy = defineAction({
  name: 'PutUserPolicy',
  service: 'iam',
  permission: 'iam:PutUserPolicy',
  params: { UserName: IP.userName(), PolicyName: IP.policyName(), PolicyDocument: IP.policyDocument() },
  resource: (ctx, p) => userResource(ctx, p.UserName),
  async run(ctx, p) {
    await putInlinePolicy(
      ctx.deps,
      ctx.caller.principal.accountId,
      'user',
      p.UserName,
      p.PolicyName,
      p.PolicyDocument,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
