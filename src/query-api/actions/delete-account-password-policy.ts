import { actorOf } from '../../identities/principal.ts';
import { deletePasswordPolicy } from '../../password-policy/password-policy.service.ts';
import { defineAction } from '../action.ts';

/** DeleteAccountPasswordPolicy() → nothing; the built-in rule applies again. NoSuchEntity when there is none. */
export const DeleteAccountPasswordPolicy = defineAction({
  name: 'DeleteAccountPasswordPolicy',
  service: 'iam',
  permission: 'iam:DeleteAccountPasswordPolicy',
  params: {},
  resource: () => '*',
  async run(ctx) {
    await deletePasswordPolicy(ctx.deps, ctx.caller.principal.accountId, actorOf(ctx.caller.principal), ctx.meta);
    return null;
  },
});
