import { findAccount } from '../../identities/account.repository.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';
import { pageOf } from './shared.ts';

/** ListAccountAliases(Marker?, MaxItems?) → AccountAliases (zero or one), IsTruncated. */
export const ListAccountAliases = defineAction({
  name: 'ListAccountAliases',
  service: 'iam',
  permission: 'iam:ListAccountAliases',
  params: { Marker: P.marker(), MaxItems: P.maxItems() },
  resource: () => '*',
  async run(ctx, p) {
    const account = await findAccount(ctx.deps.db, ctx.caller.principal.accountId);
    const aliases = account?.alias ? [account.alias] : [];
    const { page, IsTruncated, Marker } = pageOf('aliases', aliases, (a) => a, p.Marker, p.MaxItems);
    return { AccountAliases: page, IsTruncated, Marker };
  },
});
