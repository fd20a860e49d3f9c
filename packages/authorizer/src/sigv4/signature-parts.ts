import { SigV4Error } from './sigv4-error.ts';
import type { IncomingRequest } from './verify-signature.ts';

/**
 * The parts of a SigV4 signature, from an `Authorization` header or from the
 * `X-Amz-*` parameters of a presigned query. Parsing is strict and bounded: anything
 * malformed is an IncompleteSignature error, never an exception of another kind.
 */
export interface SignatureParts {
  form: 'header' | 'query';
  accessKeyId: string;
  scope: { date: string; region: string; service: string; terminator: string };
  signedHeaders: string[];
  signature: string;
  /** X-Amz-Date of a presigned query; header requests read theirs from the headers. */
  amzDate?: string;
  /** X-Amz-Expires of a presigned query, in seconds. */
  expiresSeconds?: number;
  /** X-Amz-Security-Token of a presigned query. */
  securityToken?: string;
}

export const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_HEADER_LENGTH = 4096;
const HEADER_NAME = /^[a-z0-9!#$%&'*+.^_`|~-]{1,64}$/;

function incomplete(message: string): SigV4Error {
  return new SigV4Error('IncompleteSignature', message);
}

/** `AKID/YYYYMMDD/region/service/aws4_request` */
export function parseCredential(value: string): Pick<SignatureParts, 'accessKeyId' | 'scope'> {
  const parts = value.split('/');
  if (parts.length !== 5) {
    throw incomplete('Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term.');
  }
  const [accessKeyId, date, region, service, terminator] = parts as [string, string, string, string, string];
  if (!/^[A-Z0-9]{16,128}$/.test(accessKeyId))
    throw incomplete('The access key ID in the Credential is not well formed.');
  if (!/^\d{8}$/.test(date)) throw incomplete('The date in the Credential must be in the form YYYYMMDD.');
  if (!/^[a-z0-9-]{1,32}$/.test(region)) throw incomplete('The region in the Credential is not well formed.');
  if (!/^[a-z0-9-]{1,32}$/.test(service)) throw incomplete('The service in the Credential is not well formed.');
  if (terminator !== 'aws4_request') {
    throw incomplete("Credential should be scoped with a valid terminator: 'aws4_request'.");
  }
  return { accessKeyId, scope: { date, region, service, terminator } };
}

export function parseSignedHeaders(value: string): string[] {
  const names = value.split(';');
  if (names.length > 64 || names.some((n) => !HEADER_NAME.test(n))) {
    throw incomplete('SignedHeaders must be a semicolon-separated list of lower-case header names.');
  }
  if (new Set(names).size !== names.length) throw incomplete('SignedHeaders lists a header more than once.');
  return names;
}

function parseSignature(value: string): string {
  if (!/^[0-9a-f]{64}$/.test(value)) throw incomplete('Signature must be 64 lower-case hexadecimal characters.');
  return value;
}

/** `AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…, Signature=…` */
export function parseAuthorizationHeader(header: string): SignatureParts {
  if (header.length > MAX_HEADER_LENGTH) throw incomplete('The Authorization header is too long.');
  if (!header.startsWith(`${ALGORITHM} `)) {
    throw incomplete(`Only ${ALGORITHM} signatures (AWS Signature Version 4) are supported.`);
  }
  const fields = new Map<string, string>();
  for (const rawPair of header.slice(ALGORITHM.length + 1).split(',')) {
    const pair = rawPair.trim();
    const eq = pair.indexOf('=');
    if (eq <= 0) {
      throw incomplete(
        `'${pair.slice(0, 64)}' not a valid key=value pair (missing equal-sign) in Authorization header.`,
      );
    }
    const key = pair.slice(0, eq);
    if (!['Credential', 'SignedHeaders', 'Signature'].includes(key)) {
      throw incomplete(`'${key.slice(0, 64)}' is not a parameter of the Authorization header.`);
    }
    if (fields.has(key)) throw incomplete(`The Authorization header has '${key}' more than once.`);
    fields.set(key, pair.slice(eq + 1));
  }
  const missing = ['Credential', 'Signature', 'SignedHeaders'].filter((k) => !fields.has(k));
  if (missing.length > 0)
    throw incomplete(missing.map((k) => `Authorization header requires '${k}' parameter.`).join(' '));
  return {
    form: 'header',
    ...parseCredential(fields.get('Credential')!),
    signedHeaders: parseSignedHeaders(fields.get('SignedHeaders')!),
    signature: parseSignature(fields.get('Signature')!),
  };
}

/** The X-Amz-* parameters of a presigned request (already decoded). */
export function parsePresignedQuery(query: Map<string, string>): SignatureParts {
  const algorithm = query.get('X-Amz-Algorithm');
  if (algorithm !== ALGORITHM) throw incomplete(`X-Amz-Algorithm must be ${ALGORITHM}.`);
  const missing = ['X-Amz-Credential', 'X-Amz-Date', 'X-Amz-SignedHeaders', 'X-Amz-Signature', 'X-Amz-Expires'].filter(
    (k) => !query.has(k),
  );
  if (missing.length > 0)
    throw incomplete(missing.map((k) => `AWS query-string parameters must include '${k}'.`).join(' '));
  const expires = query.get('X-Amz-Expires')!;
  if (!/^\d{1,6}$/.test(expires) || Number(expires) < 1 || Number(expires) > 604_800) {
    throw incomplete('X-Amz-Expires must be a whole number of seconds from 1 to 604800.');
  }
  const token = query.get('X-Amz-Security-Token');
  return {
    form: 'query',
    ...parseCredential(query.get('X-Amz-Credential')!),
    signedHeaders: parseSignedHeaders(query.get('X-Amz-SignedHeaders')!),
    signature: parseSignature(query.get('X-Amz-Signature')!),
    amzDate: query.get('X-Amz-Date')!,
    expiresSeconds: Number(expires),
    ...(token !== undefined ? { securityToken: token } : {}),
  };
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/** The signature's parts from whichever form the request uses; MissingAuthenticationToken when it has none. */
export function signatureParts(request: Pick<IncomingRequest, 'headers' | 'queryPairs'>): SignatureParts {
  const authorization = firstHeader(request.headers.authorization);
  const presigned = request.queryPairs.some(
    ([k]) => k === 'X-Amz-Algorithm' || k === 'X-Amz-Signature' || k === 'X-Amz-Credential',
  );
  if (authorization !== undefined && presigned) {
    throw incomplete(
      'Only one authentication method is allowed: the Authorization header or the X-Amz-* query parameters, not both.',
    );
  }
  if (authorization !== undefined) return parseAuthorizationHeader(authorization);
  if (presigned) {
    const query = new Map<string, string>();
    for (const [k, v] of request.queryPairs) {
      if (query.has(k)) throw incomplete(`The query parameter ${k.slice(0, 64)} was sent more than once.`);
      query.set(k, v);
    }
    return parsePresignedQuery(query);
  }
  throw new SigV4Error(
    'MissingAuthenticationToken',
    'Request must contain either a valid (registered) AWS access key ID or X.509 certificate.',
  );
}

/** The session token a request carries: `X-Amz-Security-Token` of a presigned query, or the header. */
export function securityTokenOf(parts: SignatureParts, request: Pick<IncomingRequest, 'headers'>): string | undefined {
  return parts.form === 'query' ? parts.securityToken : firstHeader(request.headers['x-amz-security-token']);
}
