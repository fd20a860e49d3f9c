import type { Db } from '../db/database.ts';
import type { LinkStore } from './link-store.ts';

export type TokenPurpose = 'password_reset' | 'verify_email' | 'change_email';

export interface OneTimeTokenRecord {
  id: string;
  purpose: TokenPurpose;
  accountId: string;
  principalId: string;
  secretHash: string;
  codeHash: string | null;
  payload: string | null;
  createdAt: string;
  expiresAt: string;
  usedAt: string | null;
}

export type NewTokenRow = Omit<OneTimeTokenRecord, 'usedAt' | 'accountId' | 'principalId'>;

type Row = {
  id: string;
  purpose: string;
  account_id: string;
  principal_id: string;
  secret_hash: string;
  code_hash: string | null;
  payload: string | null;
  created_at: string;
  expires_at: string;
  used_at: string | null;
};

function toRecord(row: Row): OneTimeTokenRecord {
  return {
    id: row.id,
    purpose: row.purpose as TokenPurpose,
    accountId: row.account_id,
    principalId: row.principal_id,
    secretHash: row.secret_hash,
    codeHash: row.code_hash,
    payload: row.payload,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    usedAt: row.used_at,
  };
}

export async function insertToken(
  db: Db,
  token: NewTokenRow & { accountId: string; principalId: string },
): Promise<void> {
  await db
    .insertInto('one_time_tokens')
    .values({
      id: token.id,
      purpose: token.purpose,
      account_id: token.accountId,
      principal_id: token.principalId,
      secret_hash: token.secretHash,
      code_hash: token.codeHash,
      payload: token.payload,
      created_at: token.createdAt,
      expires_at: token.expiresAt,
    })
    .execute();
}

/**
 * Inserts a root-user token only when `emailKey` is some root user's address, in one
 * statement that runs the same whether or not it is: the caller's work (and time) does
 * not depend on the answer.
 */
export async function insertTokenForRootEmail(db: Db, emailKey: string, token: NewTokenRow): Promise<void> {
  await db
    .insertInto('one_time_tokens')
    .columns([
      'id',
      'purpose',
      'account_id',
      'principal_id',
      'secret_hash',
      'code_hash',
      'payload',
      'created_at',
      'expires_at',
    ])
    .expression((eb) =>
      eb
        .selectFrom('root_users')
        .select([
          eb.val(token.id).as('id'),
          eb.val(token.purpose).as('purpose'),
          'account_id',
          'account_id as principal_id',
          eb.val(token.secretHash).as('secret_hash'),
          eb.val(token.codeHash).as('code_hash'),
          eb.val(token.payload).as('payload'),
          eb.val(token.createdAt).as('created_at'),
          eb.val(token.expiresAt).as('expires_at'),
        ])
        .where('email_key', '=', emailKey),
    )
    .execute();
}

/** A newer token replaces older ones: drops the principal's unused tokens of one purpose. */
export async function deleteUnusedTokens(db: Db, purpose: TokenPurpose, principalId: string): Promise<void> {
  await db
    .deleteFrom('one_time_tokens')
    .where('purpose', '=', purpose)
    .where('principal_id', '=', principalId)
    .where('used_at', 'is', null)
    .execute();
}

async function findTokenById(db: Db, id: string): Promise<OneTimeTokenRecord | null> {
  const row = await db.selectFrom('one_time_tokens').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? toRecord(row) : null;
}

async function findTokenByCodeHash(db: Db, codeHash: string): Promise<OneTimeTokenRecord | null> {
  const row = await db.selectFrom('one_time_tokens').selectAll().where('code_hash', '=', codeHash).executeTakeFirst();
  return row ? toRecord(row) : null;
}

/**
 * Uses a token up: one conditional UPDATE, so of two requests racing with the same
 * token exactly one sees a row change. False when it was used, expired or replaced.
 */
async function consumeToken(db: Db, id: string, now: string): Promise<boolean> {
  const result = await db
    .updateTable('one_time_tokens')
    .set({ used_at: now })
    .where('id', '=', id)
    .where('used_at', 'is', null)
    .where('expires_at', '>', now)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Reset, email-verification and email-change links (and reset codes), for `link.service.ts`. */
export const ONE_TIME_TOKENS: LinkStore<OneTimeTokenRecord, TokenPurpose> = {
  find: findTokenById,
  findByCodeHash: findTokenByCodeHash,
  linksOf: (token) => [
    {
      purpose: token.purpose,
      secretHash: token.secretHash,
      codeHash: token.codeHash,
      usedAt: token.usedAt,
      cancelledAt: null,
      expiresAt: token.expiresAt,
    },
  ],
  spend: (db, token, _purpose, now) => consumeToken(db, token.id, now),
};
