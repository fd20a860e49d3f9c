import { actorOf } from '../../identities/principal.ts';
import { createOpenIdProvider } from '../../web-identity/openid-provider.service.ts';
import { providerArn, readProviderUrl } from '../../web-identity/provider-url.ts';
import { defineAction } from '../action.ts';
import { OP } from './openid-provider-shared.ts';
import { TAGS } from './tag-params.ts';

/**
 * CreateOpenIDConnectProvider(Url, ClientIDList? ≤100, ThumbprintList? ≤5, Tags? ≤50) →
 * OpenIDConnectProviderArn `arn:aws:iam::ACCT:oidc-provider/HOST/PATH`, Tags. One provider per
 * URL per account (EntityAlreadyExists), 100 per account; `https://` URLs (see provider-url.ts
 * for the `http://` ones Gatehouse takes).
 */
export const CreateOpenIDConnectProvider = defineAction({
  name: 'CreateOpenIDConnectProvider',
  service: 'iam',
  permission: 'iam:CreateOpenIDConnectProvider',
  params: { Url: OP.url(), ClientIDList: OP.clientIdList(), ThumbprintList: OP.thumbprintList(), Tags: TAGS() },
  resource(ctx, p) {
    const read = readProviderUrl(p.Url, ctx.deps.publicUrl);
    return read.ok ? providerArn(ctx.caller.principal.accountId, read.url.name) : '*';
  },
  async run(ctx, p) {
    const tags = (p.Tags ?? []).map((t) => ({ key: t.Key, value: t.Value }));
    const provider = await createOpenIdProvider(
      ctx.deps,
      ctx.caller.principal.accountId,
      { url: p.Url, clientIds: p.ClientIDList ?? [], thumbprints: p.ThumbprintList ?? [], tags },
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return {
      OpenIDConnectProviderArn: provider.arn,
      ...(tags.length > 0 ? { Tags: tags.map((t) => ({ Key: t.key, Value: t.value })) } : {}),
    };
  },
});
