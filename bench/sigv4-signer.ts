import { createHash } from 'node:crypto';
import { amzDateOf, canonicalRequest, deriveSigningKey, signWithKey, stringToSign } from '@gatehouse/authorizer/sigv4';
import { remember } from '../src/shared/remember.ts';
import type { HttpRequest } from './http-client.ts';

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The region every benchmark request is signed for. */
const REGION = 'us-east-1';

export function payloadHash(body: string): string {
  return createHash('sha256').update(body).digest('hex');
}

/** What one signed request is: its line, the headers to sign besides host and x-amz-date, and its body's hash. */
export interface UnsignedRequest {
  method: HttpRequest['method'];
  /** Signed as given: already in the canonical form the receiving service expects. */
  path: string;
  headers: Record<string, string>;
  payloadHash: string;
  body?: string;
}

/**
 * The signing key is derived once per day, key and service, as a client would; signing
 * then costs one HMAC of the string to sign.
 */
const signingKeys = new Map<string, Buffer>();

/**
 * Signs `request` for `host` the way the AWS SDK does (header form: host, x-amz-date and
 * every header given signed), dated `at`, so the benchmark load looks like SDK traffic.
 * The host header is left for the HTTP client to send (it sends the same one).
 */
export function signRequest(
  host: string,
  credentials: SigningCredentials,
  service: string,
  request: UnsignedRequest,
  at: Date = new Date(),
): HttpRequest {
  const amzDate = amzDateOf(at);
  const date = amzDate.slice(0, 8);
  const headers: Record<string, string> = { ...request.headers, host, 'x-amz-date': amzDate };
  const signedHeaders = Object.keys(headers).sort();
  const canonical = canonicalRequest({
    method: request.method,
    path: request.path,
    queryPairs: [],
    headers,
    signedHeaders,
    payloadHash: request.payloadHash,
  });
  const scope = `${date}/${REGION}/${service}/aws4_request`;
  const signingKey = remember(signingKeys, `${credentials.accessKeyId}/${scope}`, () =>
    deriveSigningKey(credentials.secretAccessKey, date, REGION, service),
  );
  const signature = signWithKey(signingKey, stringToSign(amzDate, scope, canonical));
  const { host: _host, ...sent } = headers;
  return {
    method: request.method,
    path: request.path,
    headers: {
      ...sent,
      authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`,
    },
    ...(request.body === undefined ? {} : { body: request.body }),
  };
}

/** A Query API call (IAM or STS), signed as the SDK signs it: content-type, host and x-amz-date. */
export function signedQuery(baseUrl: string, credentials: SigningCredentials, service: 'iam' | 'sts', body: string) {
  return signRequest(new URL(baseUrl).host, credentials, service, {
    method: 'POST',
    path: '/',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payloadHash: payloadHash(body),
    body,
  });
}
