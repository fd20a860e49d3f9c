import type { Actor, RequestMeta } from '../audit/audit.service.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError } from '../shared/errors.ts';
import { notifySignupAttempt } from '../verification/email-verification.service.ts';
import { type NewAccount, createAccount } from './account.service.ts';

/**
 * Sign-up from the page. A new address and one that already has an account end the same
 * way: the account ID goes only to the mailbox (a confirmation for a new account, a
 * "someone tried to sign up" notice to an existing owner), so the answer reveals no
 * registered address. Any other refusal (a weak password, a bad name) is thrown.
 */
export async function signUp(deps: Deps, input: NewAccount, actor: Actor, meta: RequestMeta): Promise<void> {
  try {
    await createAccount(deps, input, actor, meta);
  } catch (error) {
    if (!(error instanceof GatehouseError && error.code === 'EntityAlreadyExists' && error.field === 'email'))
      throw error;
    await notifySignupAttempt(deps, input.email.trim(), meta);
  }
}
