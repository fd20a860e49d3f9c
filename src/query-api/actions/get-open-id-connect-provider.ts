import { getOpenIdProvider } from '../../web-identity/openid-provider.service.ts';
import { defineAction } from '../action.ts';
import { awsTime } from '../xml.ts';
import { OP } from './openid-provider-shared.ts';

/**
 * GetOpenIDConnectProvider(OpenIDConnectProviderArn) → Url (without its scheme, as AWS shows
 * it), ClientIDList, ThumbprintList, CreateDate, Tags. NoSuchEntity for an ARN the account has no provider under.
 */
export const GetOpenIDConnectProvider = defineAction({
  name: 'GetOpenIDConnectProvider',
  service: 'iam',
  permission: 'iam:GetOpenIDConnectProvider',
  params: { OpenIDConnectProviderArn: OP.arn() },
  resource: (_ctx, p) => p.OpenIDConnectProviderArn,
  async run(ctx, p) {
    const provider = await getOpenIdProvider(ctx.deps, ctx.caller.principal.accountId, p.OpenIDConnectProviderArn);
    return {
      Url: provider.name,
      ClientIDList: provider.clientIds,
      ThumbprintList: provider.thumbprints,
      CreateDate: awsTime(provider.createdAt),
      Tags: provider.tags.map((t) => ({ Key: t.key, Value: t.value })),
    };
  },
});
