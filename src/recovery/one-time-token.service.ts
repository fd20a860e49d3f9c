import type { Db } from '../db/database.ts';
import { hashSecret, matchesHash, newToken, parseToken, randomBase32 } from '../shared/secrets.ts';
import { type OneTimeTokenRecord, type TokenPurpose, findTokenByCodeHash, findTokenById } from '../links/one-time-token.repository.ts';

/** What a person brings back: the link's `id.secret` token, or the short code typed from the mail. */
export interface Presented {
  token?: string;
  code?: string;
}

export interface IssuedToken {
  /** `id.secret`, for the link. */
  value: string;
  /** The equivalent short code as shown in the mail (groups of five), when asked for. */
  code: string | null;
  row: { id: string; secretHash: string; codeHash: string | null };
}

/** 16 random bytes = 128 bits, 26 base32 characters. */
const CODE_BYTES = 16;
const CODE_LENGTH = 26;

/** A new single-use credential: a link token (240 bits) and, optionally, a 128-bit short code. */
export function issueToken(withCode: boolean): IssuedToken {
  const token = newToken();
  const code = withCode ? randomBase32(CODE_BYTES) : null;
  return {
    value: token.value,
    code: code ? formatCode(code) : null,
    row: { id: token.id, secretHash: token.secretHash, codeHash: code ? hashSecret(code) : null },
  };
}

function formatCode(code: string): string {
  return code.toUpperCase().match(/.{1,5}/g)!.join('-');
}

/** Accepts the code however it was typed: any case, with or without dashes and spaces. */
export function normaliseCode(typed: string): string | null {
  const code = typed.replace(/[\s-]/g, '').toLowerCase();
  return new RegExp(`^[a-z2-7]{${CODE_LENGTH}}$`).test(code) ? code : null;
}

/** Why a presented link or code cannot be used; recorded for the owner, never shown. */
export type TokenProblem = 'MalformedLink' | 'UnknownLink' | 'WrongSecret' | 'WrongPurpose' | 'LinkAlreadyUsed' | 'LinkExpired';

/**
 * The token a person presents and, when it cannot be used, why. `row` is set whenever
 * the presented id or code names a stored token, so a refusal can be recorded for its
 * account (an unknown or replaced link names none).
 */
export async function inspectToken(
  db: Db,
  purposes: TokenPurpose[],
  presented: Presented,
  now: Date,
): Promise<{ row: OneTimeTokenRecord | null; problem: TokenProblem | null }> {
  let row: OneTimeTokenRecord | null = null;
  if (presented.token) {
    const parsed = parseToken(presented.token);
    if (!parsed) return { row: null, problem: 'MalformedLink' };
    row = await findTokenById(db, parsed.id);
    if (!row) return { row: null, problem: 'UnknownLink' };
    if (!matchesHash(parsed.secret, row.secretHash)) return { row, problem: 'WrongSecret' };
  } else if (presented.code) {
    const code = normaliseCode(presented.code);
    if (!code) return { row: null, problem: 'MalformedLink' };
    row = await findTokenByCodeHash(db, hashSecret(code));
    if (!row || !row.codeHash || !matchesHash(code, row.codeHash)) return { row: null, problem: 'UnknownLink' };
  } else {
    return { row: null, problem: 'MalformedLink' };
  }
  if (!purposes.includes(row.purpose)) return { row, problem: 'WrongPurpose' };
  if (row.usedAt !== null) return { row, problem: 'LinkAlreadyUsed' };
  if (row.expiresAt <= now.toISOString()) return { row, problem: 'LinkExpired' };
  return { row, problem: null };
}

/**
 * The token a person presents, when it is genuine, of one of `purposes`, unused and
 * unexpired; null otherwise, whatever the reason (malformed, unknown, wrong secret,
 * used, replaced, expired), so every bad link gets the same answer.
 */
export async function findUsableToken(
  db: Db,
  purposes: TokenPurpose[],
  presented: Presented,
  now: Date,
): Promise<OneTimeTokenRecord | null> {
  const { row, problem } = await inspectToken(db, purposes, presented, now);
  return problem ? null : row;
}
