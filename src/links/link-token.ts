import { hashSecret, newToken, randomBase32 } from '../shared/secrets.ts';

/** What a person brings back: the link's `id.secret` token, or the short code typed from the mail. */
export interface Presented {
  token?: string;
  code?: string;
}

export interface IssuedLink {
  /** `id.secret`, for the link. */
  value: string;
  /** The equivalent short code as shown in the mail (groups of five), when asked for. */
  code: string | null;
  /** What is stored: the id, and hashes of the secret and the code. */
  row: { id: string; secretHash: string; codeHash: string | null };
}

/** 16 random bytes = 128 bits, 26 base32 characters. */
const CODE_BYTES = 16;
const CODE_LENGTH = 26;
const CODE_SHAPE = new RegExp(`^[a-z2-7]{${CODE_LENGTH}}$`);

/**
 * A new single-use link in the one token format, `id.secret` (160-bit secret, only its
 * hash stored) and, when asked, a 128-bit short code. `id`: the row's own id, for a row
 * that carries more than one link (a recovery's confirm and cancel links).
 */
export function issueLink(options: { withCode?: boolean; id?: string } = {}): IssuedLink {
  const token = newToken();
  const id = options.id ?? token.id;
  const code = options.withCode ? randomBase32(CODE_BYTES) : null;
  return {
    value: `${id}.${token.secret}`,
    code: code ? formatCode(code) : null,
    row: { id, secretHash: token.secretHash, codeHash: code ? hashSecret(code) : null },
  };
}

function formatCode(code: string): string {
  return code
    .toUpperCase()
    .match(/.{1,5}/g)!
    .join('-');
}

/** Accepts the code however it was typed: any case, with or without dashes and spaces. */
export function normaliseCode(typed: string): string | null {
  const code = typed.replace(/[\s-]/g, '').toLowerCase();
  return CODE_SHAPE.test(code) ? code : null;
}
