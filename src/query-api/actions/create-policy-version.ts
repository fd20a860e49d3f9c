import { actorOf } from '../../identities/principal.ts';
import { createPolicyVersion } from '../../policies/managed-policy.service.ts';
import { defineAction } from '../action.ts';
import { IP, versionXml } from './iam-policy-shared.ts';

/** CreatePolicyVersion(PolicyArn, PolicyDocument, SetAsDefault?) → PolicyVersion (without its document, as AWS). At most 5 versions. */
export const CreatePolicyVersion = defineAction({
  name: 'CreatePolicyVersion',
  service: 'iam',
  permission: 'iam:CreatePolicyVersion',
  params: { PolicyArn: IP.policyArn(), PolicyDocument: IP.policyDocument(), SetAsDefault: IP.setAsDefault() },
  resource: (_ctx, p) => p.PolicyArn,
  async run(ctx, p) {
    const version = await createPolicyVersion(
      ctx.deps,
      ctx.caller.principal.accountId,
      p.PolicyArn,
      p.PolicyDocument,
      p.SetAsDefault ?? false,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return { PolicyVersion: versionXml(version, { document: false }) };
  },
});
