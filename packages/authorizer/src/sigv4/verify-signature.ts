import { timingSafeEqual } from 'node:crypto';
import { canonicalPath, canonicalRequest, stringToSign } from './canonical-request.ts';
import type { SignatureParts } from './signature-parts.ts';
import { SigV4Error } from './sigv4-error.ts';
import { signWithKey } from './signing-key.ts';

/** How far the request time may be from the server's, either way (AWS: 15 minutes). */
export const MAX_SKEW_MS = 15 * 60_000;

export interface IncomingRequest {
  method: string;
  /** The path as received, still percent-encoded. */
  path: string;
  /** Decoded query pairs, in order, as sent. */
  queryPairs: Array<[string, string]>;
  /** Lower-case names, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  /**
   * Hex SHA-256 of the body bytes, computed by the server (never taken from the client); for a
   * forwarded request, what the service declares: the hash it computed, or `UNSIGNED-PAYLOAD`
   * or a streaming marker the client signed instead.
   */
  payloadHash: string;
}

export interface PreparedSignature {
  amzDate: string;
  scope: string;
  stringToSign: string;
}

function mismatch(message: string): SigV4Error {
  return new SigV4Error('SignatureDoesNotMatch', message);
}

function incomplete(message: string): SigV4Error {
  return new SigV4Error('IncompleteSignature', message);
}

/** `20261129T120000Z` */
export function amzDateOf(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

function parseAmzDate(value: string): Date | null {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = [+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!];
  const date = new Date(Date.UTC(year, month, day, hour, minute, second));
  // A value that does not name itself back (month 13, 31 April, year 0050 read as 1950) is refused.
  const exact =
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  return exact ? date : null;
}

function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * The code a header-signed request outside the allowed skew is refused with: IAM and STS say
 * SignatureDoesNotMatch; S3, and so the authorization API, RequestTimeTooSkewed.
 */
export type SkewCode = 'SignatureDoesNotMatch' | 'RequestTimeTooSkewed';

/**
 * Checks everything about a signature except the signature itself — the request time
 * against the clock, the credential scope, which headers are signed — and returns the
 * string the caller's key must have signed.
 */
export function prepareSignature(
  parts: SignatureParts,
  request: IncomingRequest,
  now: Date,
  expectedService: string,
  skewCode: SkewCode = 'SignatureDoesNotMatch',
): PreparedSignature {
  const skewed = (message: string) => new SigV4Error(skewCode, message);
  let amzDate: string;
  let time: Date | null;
  if (parts.form === 'query') {
    amzDate = parts.amzDate!;
    time = parseAmzDate(amzDate);
    if (!time) throw incomplete("X-Amz-Date must be in the ISO-8601 basic format YYYYMMDD'T'HHMMSS'Z'.");
  } else {
    const xAmzDate = headerText(request.headers['x-amz-date']);
    const httpDate = headerText(request.headers.date);
    if (xAmzDate !== undefined) {
      amzDate = xAmzDate;
      time = parseAmzDate(xAmzDate);
      if (!time) throw incomplete("X-Amz-Date must be in the ISO-8601 basic format YYYYMMDD'T'HHMMSS'Z'.");
      if (!parts.signedHeaders.includes('x-amz-date'))
        throw incomplete("'X-Amz-Date' must be a 'SignedHeader' in the AWS Authorization.");
    } else if (httpDate !== undefined) {
      const parsed = new Date(httpDate);
      if (Number.isNaN(parsed.getTime()) || httpDate.length > 64)
        throw incomplete('The Date header is not a valid HTTP date.');
      time = new Date(Math.floor(parsed.getTime() / 1000) * 1000);
      amzDate = amzDateOf(time);
      if (!parts.signedHeaders.includes('date'))
        throw incomplete("'Date' must be a 'SignedHeader' in the AWS Authorization.");
    } else {
      throw incomplete("Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header.");
    }
  }

  const nowMs = now.getTime();
  if (parts.form === 'query') {
    const expiry = time.getTime() + parts.expiresSeconds! * 1000;
    if (nowMs > expiry)
      throw mismatch(`Signature expired: ${amzDateOf(new Date(expiry))} is now earlier than ${amzDateOf(now)}.`);
    if (time.getTime() - nowMs > MAX_SKEW_MS) {
      throw mismatch(
        `Signature not yet current: ${amzDate} is still later than ${amzDateOf(new Date(nowMs + MAX_SKEW_MS))} (${amzDateOf(now)} + 15 min.)`,
      );
    }
  } else if (nowMs - time.getTime() > MAX_SKEW_MS) {
    throw skewed(
      `Signature expired: ${amzDate} is now earlier than ${amzDateOf(new Date(nowMs - MAX_SKEW_MS))} (${amzDateOf(now)} - 15 min.)`,
    );
  } else if (time.getTime() - nowMs > MAX_SKEW_MS) {
    throw skewed(
      `Signature not yet current: ${amzDate} is still later than ${amzDateOf(new Date(nowMs + MAX_SKEW_MS))} (${amzDateOf(now)} + 15 min.)`,
    );
  }

  const { scope } = parts;
  if (scope.date !== amzDate.slice(0, 8)) {
    throw mismatch(
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${scope.date}' != '${amzDate.slice(0, 8)}'.`,
    );
  }
  if (scope.service !== expectedService)
    throw mismatch(`Credential should be scoped to correct service: '${expectedService}'.`);

  if (!parts.signedHeaders.includes('host'))
    throw incomplete("'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.");
  const unsigned = Object.keys(request.headers)
    .filter((name) => name.startsWith('x-amz-') && !parts.signedHeaders.includes(name))
    .sort();
  if (unsigned.length > 0)
    throw mismatch(`There were headers present in the request which were not signed: ${unsigned.join(', ')}`);

  const scopeText = `${scope.date}/${scope.region}/${scope.service}/${scope.terminator}`;
  const canonical = canonicalRequest({
    method: request.method,
    path: canonicalPath(request.path, scope.service),
    queryPairs: request.queryPairs,
    headers: request.headers,
    signedHeaders: parts.signedHeaders,
    payloadHash: request.payloadHash,
  });
  return { amzDate, scope: scopeText, stringToSign: stringToSign(amzDate, scopeText, canonical) };
}

/** Constant-time comparison of the caller's signature with the one the signing key gives. */
export function signatureMatches(signingKey: Buffer, prepared: PreparedSignature, signature: string): boolean {
  return sameText(signWithKey(signingKey, prepared.stringToSign), signature);
}

/**
 * Constant-time equality of two texts: whether their lengths differ is all the time tells, which
 * for a signature (64 hexadecimal characters computed here) says nothing secret.
 */
export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
