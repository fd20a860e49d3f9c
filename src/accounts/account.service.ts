import { type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import { isUniqueViolation } from '../db/database.ts';
import { checkNewPassword } from '../passwords/password-check.ts';
import { rememberPassword } from '../passwords/password-history.repository.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError } from '../shared/errors.ts';
import { newAccountId } from '../shared/ids.ts';
import { normaliseEmail, validateAccountName, validateAlias } from '../shared/validation.ts';
import { sendSignupVerification } from '../verification/email-verification.service.ts';
import {
  type AccountRecord,
  accountIdExists,
  aliasOwner,
  emailTaken,
  findAccount,
  insertAccount,
  updateAlias,
} from '../identities/account.repository.ts';

export interface NewAccount {
  email: string;
  password: string;
  name?: string;
  alias?: string;
}

/**
 * Creates an account with its root user. The email is unverified until the owner
 * confirms it; the account ID is 12 random digits, drawn again on the rare collision.
 */
export async function createAccount(
  deps: Deps,
  input: NewAccount,
  actor: Actor,
  meta: RequestMeta,
): Promise<AccountRecord> {
  const email = normaliseEmail('email', input.email);
  const name = validateAccountName('name', input.name ?? email.split('@')[0]!);
  const alias = input.alias ? validateAlias('alias', input.alias) : null;
  await checkNewPassword(deps, input.password, {
    accountId: null,
    type: 'root',
    principalId: null,
    context: { email, accountName: name },
  });
  const passwordHash = await deps.hasher.hash(input.password);
  const now = deps.clock.now().toISOString();

  try {
    return await insertNewAccount(deps, { email, name, alias, passwordHash, now }, actor, meta);
  } catch (error) {
    // Two sign-ups can both find the email or alias free; the unique index stops the second.
    if (isUniqueViolation(error)) {
      if (await emailTaken(deps.db, email)) throw emailExists();
      if (alias && (await aliasOwner(deps.db, alias))) throw aliasExists(alias);
    }
    throw error;
  }
}

function emailExists(): GatehouseError {
  return new GatehouseError('EntityAlreadyExists', 'An account with this email address already exists.', {
    field: 'email',
  });
}

function aliasExists(alias: string): GatehouseError {
  return new GatehouseError('EntityAlreadyExists', `The account alias ${alias} already exists.`, { field: 'alias' });
}

async function insertNewAccount(
  deps: Deps,
  input: { email: string; name: string; alias: string | null; passwordHash: string; now: string },
  actor: Actor,
  meta: RequestMeta,
): Promise<AccountRecord> {
  const { email, name, alias, passwordHash, now } = input;
  return deps.db.transaction().execute(async (tx) => {
    if (await emailTaken(tx, email)) throw emailExists();
    if (alias && (await aliasOwner(tx, alias))) throw aliasExists(alias);
    let id = newAccountId();
    while (await accountIdExists(tx, id)) id = newAccountId();
    const account: AccountRecord = { id, name, alias, createdAt: now };
    await insertAccount(tx, account, { accountId: id, email, passwordHash, passwordChangedAt: now });
    await rememberPassword(tx, id, passwordHash, now);
    await recordAudit(tx, deps, meta, {
      accountId: id,
      actor,
      eventName: 'CreateAccount',
      target: { id, name },
      details: { email, alias },
    });
    await sendSignupVerification(tx, deps, meta, { id, name, email });
    return account;
  });
}

/** Sets the account's alias; a new alias replaces the old one, as in AWS. */
export async function setAccountAlias(
  deps: Deps,
  accountId: string,
  aliasInput: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  const alias = validateAlias('alias', aliasInput);
  await deps.db
    .transaction()
    .execute(async (tx) => {
      const owner = await aliasOwner(tx, alias);
      if (owner && owner !== accountId) throw aliasExists(alias);
      const account = await findAccount(tx, accountId);
      if (!account) throw new GatehouseError('NoSuchEntity', 'The account does not exist.');
      await updateAlias(tx, accountId, alias);
      await deps.invalidations.record(tx, { topic: 'account', key: accountId });
      await recordAudit(tx, deps, meta, {
        accountId,
        actor,
        eventName: 'CreateAccountAlias',
        details: { alias, previousAlias: account.alias },
      });
    })
    .catch((error: unknown) => {
      if (isUniqueViolation(error)) throw aliasExists(alias);
      throw error;
    });
}

export async function deleteAccountAlias(
  deps: Deps,
  accountId: string,
  aliasInput: string,
  actor: Actor,
  meta: RequestMeta,
): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    const account = await findAccount(tx, accountId);
    if (!account || account.alias !== aliasInput) {
      throw new GatehouseError('NoSuchEntity', `The account alias ${aliasInput} cannot be found.`);
    }
    await updateAlias(tx, accountId, null);
    await deps.invalidations.record(tx, { topic: 'account', key: accountId });
    await recordAudit(tx, deps, meta, {
      accountId,
      actor,
      eventName: 'DeleteAccountAlias',
      details: { alias: aliasInput },
    });
  });
}
