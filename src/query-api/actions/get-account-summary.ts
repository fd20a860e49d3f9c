import { accountSummary } from '../../credential-report/account-summary.service.ts';
import { defineAction } from '../action.ts';

/** GetAccountSummary() → SummaryMap (entity counts and quotas, as an AWS Query map). */
export const GetAccountSummary = defineAction({
  name: 'GetAccountSummary',
  service: 'iam',
  permission: 'iam:GetAccountSummary',
  params: {},
  resource: () => '*',
  async run(ctx) {
    return { SummaryMap: await accountSummary(ctx.deps, ctx.caller.principal.accountId) };
  },
});
