import { findKey } from '../../access-keys/access-key.service.ts';
import { GatehouseError } from '../../shared/errors.ts';
import { findSessionCredential } from '../../sts/session-credential.repository.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';

/**
 * STS GetAccessKeyInfo(AccessKeyId) → Account that owns the key (long-term or
 * temporary). AWS decodes the account from any key ID; Gatehouse can only answer for
 * keys it issued, and says InvalidParameterValue for others.
 */
export const GetAccessKeyInfo = defineAction({
  name: 'GetAccessKeyInfo',
  service: 'sts',
  permission: 'sts:GetAccessKeyInfo',
  params: { AccessKeyId: P.accessKeyId(true) },
  resource: () => '*',
  async run(ctx, p) {
    const accountId =
      (await findKey(ctx.deps, p.AccessKeyId))?.accountId ??
      (await findSessionCredential(ctx.deps.db, p.AccessKeyId))?.accountId;
    if (!accountId)
      throw new GatehouseError(
        'InvalidParameterValue',
        `The access key ID ${p.AccessKeyId} was not issued by this service.`,
      );
    return { Account: accountId };
  },
});
