import { createHash } from 'node:crypto';

/** The hex SHA-256 of no bytes: the payload hash of a request without a body, and a line of every chunk signature. */
export const EMPTY_SHA256 = createHash('sha256').digest('hex');

/** A header by name, never something every object inherits (`constructor`, `__proto__`). */
function headerNamed(headers: Readonly<Record<string, string | string[] | undefined>>, name: string) {
  return Object.hasOwn(headers, name) ? headers[name] : undefined;
}

/** RFC 3986 encoding as SigV4 wants it: everything but A-Z a-z 0-9 - _ . ~ is %XX (upper-case). */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** Query pairs sorted by encoded key, then encoded value; the signature itself is left out. */
export function canonicalQueryString(pairs: Array<[string, string]>): string {
  return pairs
    .filter(([k]) => k !== 'X-Amz-Signature')
    .map(([k, v]) => [uriEncode(k), uriEncode(v)] as const)
    .sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
}

/** A header value as signed: trimmed, inner runs of whitespace collapsed to one space. */
export function canonicalHeaderValue(value: string | string[] | undefined): string {
  const joined = Array.isArray(value) ? value.join(',') : (value ?? '');
  return joined.trim().replace(/\s+/g, ' ');
}

/**
 * The path as signed. S3 signs the path exactly as sent; every other service signs it
 * normalised (empty, `.` and `..` segments resolved) and URI-encoded once more, as the AWS
 * SDKs do. `path` is the path as it arrived on the wire, still percent-encoded.
 */
export function canonicalPath(path: string, service: string): string {
  if (service === 's3') return path;
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  const normalised = `${path.startsWith('/') ? '/' : ''}${segments.join('/')}${trailing}`;
  return uriEncode(normalised).replace(/%2F/g, '/');
}

export interface CanonicalInput {
  method: string;
  /** The canonical path (`canonicalPath`). */
  path: string;
  queryPairs: Array<[string, string]>;
  headers: Record<string, string | string[] | undefined>;
  signedHeaders: string[];
  payloadHash: string;
}

export function canonicalRequest(input: CanonicalInput): string {
  return [
    input.method,
    input.path,
    canonicalQueryString(input.queryPairs),
    input.signedHeaders.map((name) => `${name}:${canonicalHeaderValue(headerNamed(input.headers, name))}\n`).join(''),
    input.signedHeaders.join(';'),
    input.payloadHash,
  ].join('\n');
}

export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return ['AWS4-HMAC-SHA256', amzDate, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
}
