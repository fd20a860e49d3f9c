import { actorOf } from '../../identities/principal.ts';
import { updateOpenIdProviderThumbprints } from '../../web-identity/openid-provider.service.ts';
import { defineAction } from '../action.ts';
import { OP } from './openid-provider-shared.ts';

/** UpdateOpenIDConnectProviderThumbprint(OpenIDConnectProviderArn, ThumbprintList ≤5) → nothing; the list replaces the old one. */
export const UpdateOpenIDConnectProviderThumbprint = defineAction({
  name: 'UpdateOpenIDConnectProviderThumbprint',
  service: 'iam',
  permission: 'iam:UpdateOpenIDConnectProviderThumbprint',
  params: { OpenIDConnectProviderArn: OP.arn(), ThumbprintList: OP.thumbprintList(true) },
  resource: (_ctx, p) => p.OpenIDConnectProviderArn,
  async run(ctx, p) {
    await updateOpenIdProviderThumbprints(
      ctx.deps,
      ctx.caller.principal.accountId,
      p.OpenIDConnectProviderArn,
      p.ThumbprintList,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
