import { actorOf } from '../../identities/principal.ts';
import { setDefaultPolicyVersion } from '../../policies/managed-policy.service.ts';
import { defineAction } from '../action.ts';
import { IP } from './iam-policy-shared.ts';

/** SetDefaultPolicyVersion(PolicyArn, VersionId) → nothing. The version applies to every holder at once. */
export const SetDefaultPolicyVersion = defineAction({
  name: 'SetDefaultPolicyVersion',
  service: 'iam',
  permission: 'iam:SetDefaultPolicyVersion',
  params: { PolicyArn: IP.policyArn(), VersionId: IP.versionId() },
  resource: (_ctx, p) => p.PolicyArn,
  async run(ctx, p) {
    await setDefaultPolicyVersion(
      ctx.deps,
      ctx.caller.principal.accountId,
      p.PolicyArn,
      p.VersionId,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
