import { callerUserId } from '../../identities/principal.ts';
import { defineAction } from '../action.ts';

/**
 * STS GetCallerIdentity() → UserId, Account, Arn of whoever signed. Needs no permission. A role
 * session is named as AWS names it: UserId `AROA…:SESSION`, Arn `arn:aws:sts::ACCT:assumed-role/ROLE/SESSION`.
 */
export const GetCallerIdentity = defineAction({
  name: 'GetCallerIdentity',
  service: 'sts',
  permission: 'sts:GetCallerIdentity',
  params: {},
  resource: () => '*',
  async run(ctx) {
    const { principal } = ctx.caller;
    return { UserId: callerUserId(principal), Account: principal.accountId, Arn: principal.arn };
  },
});
