import { actorOf } from '../../identities/principal.ts';
import { OIDC_PROVIDER_QUOTAS, changeOpenIdProviderClientId } from '../../web-identity/openid-provider.service.ts';
import { defineAction } from '../action.ts';
import { list, str } from '../params.ts';

/** What the OpenID Connect provider Actions share: their parameters, with AWS's constraints. */
export const OP = {
  arn: () => str({ min: 20, max: 2048, required: true }),
  url: () => str({ min: 1, max: 255, required: true }),
  clientId: () => str({ min: 1, max: 255, required: true }),
  clientIdList: () => list(str({ min: 1, max: 255, required: true })),
  thumbprintList: <R extends boolean = false>(required?: R) =>
    list(str({ min: 40, max: 40, required: true }), {
      max: OIDC_PROVIDER_QUOTAS.thumbprints,
      required: (required ?? false) as R,
    }),
};

/** AddClientIDToOpenIDConnectProvider and RemoveClientIDFromOpenIDConnectProvider: (OpenIDConnectProviderArn, ClientID) → nothing. */
export function clientIdAction(
  name: 'AddClientIDToOpenIDConnectProvider' | 'RemoveClientIDFromOpenIDConnectProvider',
  change: 'add' | 'remove',
) {
  return defineAction({
    name,
    service: 'iam',
    permission: `iam:${name}`,
    params: { OpenIDConnectProviderArn: OP.arn(), ClientID: OP.clientId() },
    resource: (_ctx, p) => p.OpenIDConnectProviderArn,
    async run(ctx, p) {
      const { principal } = ctx.caller;
      await changeOpenIdProviderClientId(
        ctx.deps,
        principal.accountId,
        p.OpenIDConnectProviderArn,
        change,
        p.ClientID,
        actorOf(principal),
        ctx.meta,
      );
      return null;
    },
  });
}
