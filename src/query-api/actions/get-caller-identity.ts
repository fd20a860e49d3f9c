import { defineAction } from '../action.ts';

/** STS GetCallerIdentity() → UserId, Account, Arn of whoever signed. Needs no permission. */
export const GetCallerIdentity = defineAction({
  name: 'GetCallerIdentity',
  service: 'sts',
  permission: 'sts:GetCallerIdentity',
  params: {},
  resource: () => '*',
  async run(ctx) {
    const { principal } = ctx.caller;
    return { UserId: principal.id, Account: principal.accountId, Arn: principal.arn };
  },
});
