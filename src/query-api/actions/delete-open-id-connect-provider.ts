import { actorOf } from '../../identities/principal.ts';
import { removeOpenIdProvider } from '../../web-identity/openid-provider.service.ts';
import { defineAction } from '../action.ts';
import { OP } from './openid-provider-shared.ts';

/** DeleteOpenIDConnectProvider(OpenIDConnectProviderArn) → nothing; its tokens are refused from then on. */
export const DeleteOpenIDConnectProvider = defineAction({
  name: 'DeleteOpenIDConnectProvider',
  service: 'iam',
  permission: 'iam:DeleteOpenIDConnectProvider',
  params: { OpenIDConnectProviderArn: OP.arn() },
  resource: (_ctx, p) => p.OpenIDConnectProviderArn,
  async run(ctx, p) {
    await removeOpenIdProvider(
      ctx.deps,
      ctx.caller.principal.accountId,
      p.OpenIDConnectProviderArn,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
