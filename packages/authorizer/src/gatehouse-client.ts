import { createHash } from 'node:crypto';
import { canonicalRequest, stringToSign } from './sigv4/canonical-request.ts';
import { deriveSigningKey, signWithKey } from './sigv4/signing-key.ts';
import { amzDateOf } from './sigv4/verify-signature.ts';
import {
  type AuthorizeAnswer,
  type AuthorizeBatchAnswer,
  type AuthorizeQuestion,
  MAX_QUESTIONS,
  type QuestionRefused,
} from './wire.ts';

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

/** The largest body sent: Gatehouse's limit is 64 KiB. */
const MAX_BODY = 64 * 1024;

/** The HTTP status a lone question would have been refused with, for a refusal inside a batch. */
const REFUSAL_STATUS: Readonly<Record<string, number>> = { AccessDenied: 403, ServiceUnavailable: 503 };

interface Waiting {
  body: string;
  resolve(answer: AuthorizeAnswer): void;
  reject(error: unknown): void;
}

/**
 * Asks Gatehouse's authorization API, signing each call with the service's own credentials
 * (SigV4, service `gatehouse`). `fetch` keeps its connections alive between calls.
 *
 * Questions asked in the same turn of the event loop (requests arriving together) go in one
 * call, up to `MAX_QUESTIONS` and 64 KiB a call: a service under load pays for one HTTP exchange
 * and one signature of its own per batch instead of per question. A lone question is sent alone.
 */
export class GatehouseClient {
  readonly #url: URL;
  #key: { day: string; key: Buffer } | null = null;
  #waiting: Waiting[] = [];

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

  authorize(question: AuthorizeQuestion): Promise<AuthorizeAnswer> {
    return new Promise((resolve, reject) => {
      if (this.#waiting.length === 0) setImmediate(() => this.#send());
      this.#waiting.push({ body: JSON.stringify(question), resolve, reject });
    });
  }

  /** Sends what is waiting: in batches that keep within Gatehouse's limits, a lone question as itself. */
  #send(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    let batch: Waiting[] = [];
    let size = 0;
    for (const one of waiting) {
      if (batch.length === MAX_QUESTIONS || (batch.length > 0 && size + one.body.length + 1 > MAX_BODY - 32)) {
        void this.#ask(batch);
        batch = [];
        size = 0;
      }
      batch.push(one);
      size += one.body.length + 1;
    }
    if (batch.length > 0) void this.#ask(batch);
  }

  async #ask(batch: Waiting[]): Promise<void> {
    try {
      if (batch.length === 1) {
        batch[0]!.resolve((await this.#post(batch[0]!.body)) as AuthorizeAnswer);
        return;
      }
      const { answers } = (await this.#post(
        `{"questions":[${batch.map((one) => one.body).join(',')}]}`,
      )) as AuthorizeBatchAnswer;
      for (const [i, one] of batch.entries()) {
        const answer = answers[i];
        if (answer === undefined)
          one.reject(new GatehouseUnavailable('Gatehouse answered fewer questions than asked.', 200));
        else if ('error' in answer) one.reject(refusalOf(answer));
        else one.resolve(answer);
      }
    } catch (error) {
      for (const one of batch) one.reject(error);
    }
  }

  async #post(body: string): Promise<unknown> {
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
    return JSON.parse(text);
  }
}

function refusalOf({ error }: QuestionRefused): GatehouseUnavailable {
  const status = REFUSAL_STATUS[error.code] ?? 400;
  return new GatehouseUnavailable(
    `Gatehouse refused the question (${status}): ${error.code}: ${error.message}`,
    status,
  );
}
