import { createAccessKey, type KeyOwner } from '../../src/access-keys/access-key.service.ts';
import { createAccount } from '../../src/accounts/account.service.ts';
import { CLI_ACTOR, SYSTEM_META } from '../../src/audit/audit.service.ts';
import type { Deps } from '../../src/deps.ts';
import { createUser } from '../../src/users/user.service.ts';
import { randomBytes } from 'node:crypto';

export const ROOT_PASSWORD = 'correct horse battery staple';
export const USER_PASSWORD = 'user password for tests 1';

export function uniqueEmail(prefix = 'owner'): string {
  return `${prefix}-${randomBytes(4).toString('hex')}@example.com`;
}

/** An account whose root user signs in with the returned email and ROOT_PASSWORD. */
export async function makeAccount(deps: Deps, options: { alias?: string; email?: string } = {}) {
  const email = options.email ?? uniqueEmail();
  const account = await createAccount(
    deps,
    { email, password: ROOT_PASSWORD, name: 'Test account', ...(options.alias ? { alias: options.alias } : {}) },
    CLI_ACTOR,
    SYSTEM_META,
  );
  return { ...account, email };
}

/** An IAM user with a console password (USER_PASSWORD unless given). */
export async function makeUser(
  deps: Deps,
  accountId: string,
  name: string,
  options: { password?: string | null; passwordResetRequired?: boolean; isAdmin?: boolean } = {},
) {
  const password = options.password === undefined ? USER_PASSWORD : options.password;
  return createUser(
    deps,
    accountId,
    {
      name,
      ...(password !== null ? { password, passwordResetRequired: options.passwordResetRequired ?? false } : {}),
      isAdmin: options.isAdmin ?? false,
    },
    CLI_ACTOR,
    SYSTEM_META,
  );
}

/** A new access key of `owner`, made by the service as the CLI would: its ID and its secret. */
export async function keyFor(
  t: { deps: Deps },
  owner: KeyOwner,
): Promise<{ accessKeyId: string; secretAccessKey: string }> {
  const key = await createAccessKey(t.deps, owner, CLI_ACTOR, SYSTEM_META);
  return { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
}
