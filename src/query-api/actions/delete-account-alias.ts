import { deleteAccountAlias } from '../../accounts/account.service.ts';
import { actorOf } from '../../identities/principal.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';

/** DeleteAccountAlias(AccountAlias) → nothing; NoSuchEntity when it is not the account's alias. */
export const DeleteAccountAlias = defineAction({
  name: 'DeleteAccountAlias',
  service: 'iam',
  permission: 'iam:DeleteAccountAlias',
  params: { AccountAlias: P.accountAlias() },
  resource: () => '*',
  async run(ctx, p) {
    await deleteAccountAlias(
      ctx.deps,
      ctx.caller.principal.accountId,
      p.AccountAlias,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
