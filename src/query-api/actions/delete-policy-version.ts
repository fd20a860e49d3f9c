import { actorOf } from '../../identities/principal.ts';
import { deletePolicyVersion } from '../../policies/managed-policy.service.ts';
import { defineAction } from '../action.ts';
import { IP } from './iam-policy-shared.ts';

/** DeletePolicyVersion(PolicyArn, VersionId) → nothing; DeleteConflict for the default version. */
export const DeletePolicyVersion = defineAction({
  name: 'DeletePolicyVersion',
  service: 'iam',
  permission: 'iam:DeletePolicyVersion',
  params: { PolicyArn: IP.policyArn(), VersionId: IP.versionId() },
  resource: (_ctx, p) => p.PolicyArn,
  async run(ctx, p) {
    await deletePolicyVersion(
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
