import { findKey } from '../../access-keys/access-key.service.ts';
import { rootArn, userArn } from '../../identities/principal.ts';
import { GatehouseError } from '../../shared/errors.ts';
import { findUserById } from '../../identities/user.repository.ts';
import type { ActionContext } from '../action.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { awsTime } from '../xml.ts';

async function keyOf(ctx: ActionContext, accessKeyId: string) {
  const key = await findKey(ctx.deps, accessKeyId);
  if (!key || key.accountId !== ctx.caller.principal.accountId) return null;
  const user = key.principalId === key.accountId ? null : await findUserById(ctx.deps.db, key.principalId);
  return { key, user };
}

/**
 * GetAccessKeyLastUsed(AccessKeyId) → UserName, AccessKeyLastUsed{LastUsedDate?, ServiceName, Region}
 * ("N/A" when never used). A key that is not in the caller's account is AccessDenied,
 * worded as AWS words it.
 */
export const GetAccessKeyLastUsed = defineAction({
  name: 'GetAccessKeyLastUsed',
  service: 'iam',
  permission: 'iam:GetAccessKeyLastUsed',
  params: { AccessKeyId: P.accessKeyId(true) },
  async resource(ctx, p) {
    const found = await keyOf(ctx, p.AccessKeyId);
    if (!found) return `access key ${p.AccessKeyId}`;
    return found.user ? userArn(found.user.accountId, found.user.path, found.user.name) : rootArn(found.key.accountId);
  },
  async run(ctx, p) {
    const found = await keyOf(ctx, p.AccessKeyId);
    if (!found) {
      throw new GatehouseError(
        'AccessDenied',
        `User: ${ctx.caller.principal.arn} is not authorized to perform iam:GetAccessKeyLastUsed on resource: access key ${p.AccessKeyId}`,
      );
    }
    const { key, user } = found;
    return {
      UserName: user?.name,
      AccessKeyLastUsed: key.lastUsedAt
        ? {
            LastUsedDate: awsTime(key.lastUsedAt),
            ServiceName: key.lastUsedService ?? 'N/A',
            Region: key.lastUsedRegion ?? 'N/A',
          }
        : { ServiceName: 'N/A', Region: 'N/A' },
    };
  },
});
