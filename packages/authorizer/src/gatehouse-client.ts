import { createHash } from 'node:crypto';
import { canonicalRequest, stringToSign } from './sigv4/canonical-request.ts';
import { deriveSigningKey, signWithKey } from './sigv4/signing-key.ts';
import { amzDateOf } from './sigv4/verify-signature.ts';
import type { AuthorizeAnswer, AuthorizeQuestion } from './wire.ts';

export interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** Gatehouse refused the service itself (its key, its permission, its question), or could not be reached. */
export class GatehouseUnavailable extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

/**
 * Asks Gatehouse's authorization API, signing each call with the service's own credentials
 * (SigV4, service `gatehouse`). `fetch` keeps its connections alive between calls.
 */
export class GatehouseClient {
  readonly #url: URL;
  #key: { day: string; key: Buffer } | null = null;

  constructor(
    gatehouse: string,
    private readonly credentials: Credentials,
    private readonly options: { region: string; timeoutMs: number; now: () => number },
  ) {
    this.#url = new URL('/authorize', gatehouse);
  }

  #signingKey(day: string): Buffer {
    if (this.#key?.day !== day) {
      this.#key = {
        day,
        key: deriveSigningKey(this.credentials.secretAccessKey, day, this.options.region, 'gatehouse'),
      };
    }
    return this.#key.key;
  }

  async authorize(question: AuthorizeQuestion): Promise<AuthorizeAnswer> {
    const body = JSON.stringify(question);
    const amzDate = amzDateOf(new Date(this.options.now()));
    const day = amzDate.slice(0, 8);
    const scope = `${day}/${this.options.region}/gatehouse/aws4_request`;
    const headers: Record<string, string> = {
      host: this.#url.host,
      'content-type': 'application/json',
      'x-amz-date': amzDate,
      'x-amz-content-sha256': createHash('sha256').update(body).digest('hex'),
      ...(this.credentials.sessionToken ? { 'x-amz-security-token': this.credentials.sessionToken } : {}),
    };
    const signedHeaders = Object.keys(headers).sort();
    const canonical = canonicalRequest({
      method: 'POST',
      path: this.#url.pathname,
      queryPairs: [],
      headers,
      signedHeaders,
      payloadHash: headers['x-amz-content-sha256']!,
    });
    const signature = signWithKey(this.#signingKey(day), stringToSign(amzDate, scope, canonical));
    headers.authorization = `AWS4-HMAC-SHA256 Credential=${this.credentials.accessKeyId}/${scope}, SignedHeaders=${signedHeaders.join(';')}, Signature=${signature}`;
    let response: Response;
    try {
      response = await fetch(this.#url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      throw new GatehouseUnavailable(`Gatehouse could not be reached: ${(error as Error).message}`, null);
    }
    const text = await response.text();
    if (response.status !== 200) {
      let message = text.slice(0, 500);
      try {
        const parsed = JSON.parse(text) as { __type?: string; message?: string };
        message = `${parsed.__type}: ${parsed.message}`;
      } catch {}
      throw new GatehouseUnavailable(
        `Gatehouse refused the question (${response.status}): ${message}`,
        response.status,
      );
    }
    return JSON.parse(text) as AuthorizeAnswer;
  }
}
