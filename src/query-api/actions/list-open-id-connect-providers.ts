import { listOpenIdProviders } from '../../web-identity/openid-provider.service.ts';
import { defineAction } from '../action.ts';

/** ListOpenIDConnectProviders() → OpenIDConnectProviderList of { Arn }, the account's providers by URL. */
export const ListOpenIDConnectProviders = defineAction({
  name: 'ListOpenIDConnectProviders',
  service: 'iam',
  permission: 'iam:ListOpenIDConnectProviders',
  params: {},
  resource: () => '*',
  async run(ctx) {
    const arns = await listOpenIdProviders(ctx.deps, ctx.caller.principal.accountId);
    return { OpenIDConnectProviderList: arns.map((arn) => ({ Arn: arn })) };
  },
});
