import { createHash } from 'node:crypto';
import { canonicalRequest, stringToSign } from '@gatehouse/authorizer/sigv4';
import { deriveSigningKey, signWithKey } from '@gatehouse/authorizer/sigv4';
import { amzDateOf } from '@gatehouse/authorizer/sigv4';
import { remember } from '../src/shared/remember.ts';

export interface SigningCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/**
 * Signs a Query API request the way the AWS SDK does (header form, host, content-type
 * and x-amz-date signed), so the benchmark load looks like SDK traffic. The signing key
 * is derived once per day, as a client would.
 */
const signingKeys = new Map<string, Buffer>();

export function signedQuery(baseUrl: string, credentials: SigningCredentials, service: 'iam' | 'sts', body: string) {
  const host = new URL(baseUrl).host;
  const amzDate = amzDateOf(new Date());
  const date = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    'content-type': 'application/x-www-form-urlencoded',
    host,
    'x-amz-date': amzDate,
  };
  const signedHeaders = ['content-type', 'host', 'x-amz-date'];
  const canonical = canonicalRequest({
    method: 'POST',
    path: '/',
    queryPairs: [],
    headers,
    signedHeaders,
    payloadHash: createHash('sha256').update(body).digest('hex'),
  });
  const scope = `${date}/us-east-1/${service}/aws4_request`;
  const cacheKey = `${credentials.accessKeyId}/${scope}`;
  const signingKey = remember(signingKeys, cacheKey, () =>
    deriveSigningKey(credentials.secretAccessKey, date, 'us-east-1', service),
  );
  const signature = signWithKey(signingKey, stringToSign(amzDate, scope, canonical));
  const { host: _host, ...sent } = headers;
  return {
    method: 'POST' as const,
    path: '/',
    headers: {
      ...sent,
      authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`,
    },
    body,
  };
}
