import { getPolicyVersion } from '../../policies/managed-policy.service.ts';
import { defineAction } from '../action.ts';
import { IP, versionXml } from './iam-policy-shared.ts';

/** GetPolicyVersion(PolicyArn, VersionId) → PolicyVersion with its Document (URL-encoded, as AWS sends it). */
export const GetPolicyVersion = defineAction({
  name: 'GetPolicyVersion',
  service: 'iam',
  permission: 'iam:GetPolicyVersion',
  params: { PolicyArn: IP.policyArn(), VersionId: IP.versionId() },
  resource: (_ctx, p) => p.PolicyArn,
  async run(ctx, p) {
    return {
      PolicyVersion: versionXml(
        await getPolicyVersion(ctx.deps, ctx.caller.principal.accountId, p.PolicyArn, p.VersionId),
      ),
    };
  },
});
