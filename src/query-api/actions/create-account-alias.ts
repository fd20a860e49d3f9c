import { setAccountAlias } from '../../accounts/account.service.ts';
import { actorOf } from '../../identities/principal.ts';
import { defineAction } from '../action.ts';
import { P } from '../params.ts';

/** CreateAccountAlias(AccountAlias) → nothing. An account has one alias; a new one replaces it. */
export const CreateAccountAlias = defineAction({
  name: 'CreateAccountAlias',
  service: 'iam',
  permission: 'iam:CreateAccountAlias',
  params: { AccountAlias: P.accountAlias() },
  resource: () => '*',
  async run(ctx, p) {
    await setAccountAlias(
      ctx.deps,
      ctx.caller.principal.accountId,
      p.AccountAlias,
      actorOf(ctx.caller.principal),
      ctx.meta,
    );
    return null;
  },
});
