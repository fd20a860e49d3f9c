import { createHash, timingSafeEqual } from 'node:crypto';
import { type ChunkSigner, chunkSigner } from './chunk-signer.ts';
import { ERROR_STATUS } from './error-responses.ts';
import { type Credentials, GatehouseClient, GatehouseUnavailable } from './gatehouse-client.ts';
import { decodePairs } from './sigv4/query-pairs.ts';
import { type SignatureParts, securityTokenOf, signatureParts } from './sigv4/signature-parts.ts';
import { SigV4Error } from './sigv4/sigv4-error.ts';
import { type IncomingRequest, prepareSignature, signatureMatches } from './sigv4/verify-signature.ts';
import { TtlCache } from './ttl-cache.ts';
import type { AuthorizeAnswer, AuthorizeQuestion, Principal } from './wire.ts';

export interface AuthorizerOptions {
  /** Gatehouse's base URL (`PUBLIC_URL`). */
  gatehouse: string;
  /** The service's own Gatehouse credentials; its principal needs `gatehouse:AuthorizeRequest`. */
  credentials: Credentials;
  /** How long a verified key and a decision are reused (5,000 ms; 0 turns caching off). */
  cacheTtlMs?: number;
  /** At most this many keys, and this many decisions, are kept (10,000 each). */
  maxCacheEntries?: number;
  /** How long to wait for Gatehouse (5,000 ms). */
  timeoutMs?: number;
  /** The region the service signs its own calls to Gatehouse with (`us-east-1`). */
  region?: string;
  /** The clock, in milliseconds (`Date.now`). */
  now?: () => number;
}

/** A request as the service received it. */
export interface ReceivedRequest {
  method: string;
  /** The path as received, still percent-encoded, without the query. */
  path: string;
  /** The raw query string, without `?`. */
  query: string;
  /** Names in lower case, as Node gives them. */
  headers: Record<string, string | string[] | undefined>;
  /** The hex SHA-256 of a body the service has read; otherwise the client's `x-amz-content-sha256` is what was signed. */
  payloadHash?: string;
  sourceIp?: string;
  secure?: boolean;
}

/** What the request means to the service. */
export interface Intent {
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
  resourcePolicy?: string | object;
}

export type Verdict =
  | {
      allowed: true;
      principal: Principal;
      /** For a signed upload (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD…`): the signatures its chunks must carry. */
      chunkSigner: ChunkSigner | null;
    }
  | {
      allowed: false;
      /** The AWS error code to answer with (`AccessDenied`, `SignatureDoesNotMatch`, …). */
      code: string;
      status: number;
      message: string;
      principal?: Principal;
    };

interface KeyGrant {
  key: Buffer;
  scope: string;
  /** SHA-256 of the session token the key was granted with ('' for none), compared in constant time. */
  tokenHash: Buffer;
}

const STREAMING_SIGNED = new Set(['STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER']);

/** Gatehouse's codes for a failed signature or credential, as S3 answers them. */
const CLIENT_CODES: Record<string, string> = {
  InvalidClientTokenId: 'InvalidAccessKeyId',
  MissingAuthenticationToken: 'AccessDenied',
  IncompleteSignature: 'AuthorizationHeaderMalformed',
};

function hashOf(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}

/** A long-term key's requests carry no session token: its hash, worked out once. */
const NO_TOKEN_HASH = hashOf('');

function refused(code: string, message: string, principal?: Principal): Verdict {
  return { allowed: false, code, status: ERROR_STATUS[code] ?? 403, message, ...(principal ? { principal } : {}) };
}

function firstHeader(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Decides whether a request signed with Gatehouse credentials may do what it means to: the
 * signature and the key are Gatehouse's to check, and so is the decision. What is safe to keep
 * is kept for `cacheTtlMs`: the key derived for the client's scope (key, day, region, service),
 * with which the next requests of that client are verified here, and each decision, by that
 * scope, session token, action, resource, context, resource policy and the client's address. A key
 * deactivated or a policy changed in Gatehouse takes effect here within `cacheTtlMs`.
 */
export class Authorizer {
  readonly #client: GatehouseClient;
  readonly #keys: TtlCache<KeyGrant>;
  readonly #decisions: TtlCache<AuthorizeAnswer>;
  readonly #now: () => number;

  constructor(options: AuthorizerOptions) {
    this.#now = options.now ?? Date.now;
    const ttl = options.cacheTtlMs ?? 5_000;
    const max = options.maxCacheEntries ?? 10_000;
    this.#keys = new TtlCache(ttl, max, this.#now);
    this.#decisions = new TtlCache(ttl, max, this.#now);
    this.#client = new GatehouseClient(options.gatehouse, options.credentials, {
      region: options.region ?? 'us-east-1',
      timeoutMs: options.timeoutMs ?? 5_000,
      now: this.#now,
    });
  }

  async verifyAndAuthorize(request: ReceivedRequest, intent: Intent): Promise<Verdict> {
    let parts: SignatureParts;
    let signed: IncomingRequest;
    try {
      signed = {
        method: request.method,
        path: request.path,
        queryPairs: decodePairs(request.query),
        headers: request.headers,
        payloadHash: '',
      };
      parts = signatureParts(signed);
      signed.payloadHash =
        request.payloadHash ??
        firstHeader(request.headers['x-amz-content-sha256']) ??
        (parts.form === 'query' ? 'UNSIGNED-PAYLOAD' : '');
    } catch (error) {
      if (error instanceof SigV4Error) return refused(CLIENT_CODES[error.code] ?? error.code, error.message);
      throw error;
    }
    const token = securityTokenOf(parts, signed) ?? '';
    const { scope } = parts;
    const keyId = `${parts.accessKeyId}/${scope.date}/${scope.region}/${scope.service}`;
    const tokenHash = token === '' ? NO_TOKEN_HASH : hashOf(token);
    const decisionKey = this.#decisionKey(keyId, token, request, intent);
    const grant = this.#keys.get(keyId);
    if (grant && timingSafeEqual(grant.tokenHash, tokenHash)) {
      const local = this.#verifyLocally(parts, signed, grant);
      if (local) return local;
      const decided = this.#decisions.get(decisionKey);
      if (decided) return this.#verdictOf(decided, parts, signed, grant);
    }
    return this.#ask(request, intent, parts, signed, { keyId, tokenHash, decisionKey });
  }

  /** A refusal when the signature fails against the cached key; null when it verifies. */
  #verifyLocally(parts: SignatureParts, signed: IncomingRequest, grant: KeyGrant): Verdict | null {
    try {
      const prepared = prepareSignature(
        parts,
        signed,
        new Date(this.#now()),
        parts.scope.service,
        'RequestTimeTooSkewed',
      );
      if (signatureMatches(grant.key, prepared, parts.signature)) return null;
      return refused(
        'SignatureDoesNotMatch',
        'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
      );
    } catch (error) {
      if (!(error instanceof SigV4Error)) throw error;
      const expired = parts.form === 'query' && error.message.startsWith('Signature expired');
      return expired
        ? refused('AccessDenied', 'Request has expired')
        : refused(CLIENT_CODES[error.code] ?? error.code, error.message);
    }
  }

  /**
   * What a decision is kept by. The key's whole scope is part of it, not only the key: the region
   * signed for is `aws:RequestedRegion`, and the service name decides whether this service may
   * judge the request at all.
   */
  #decisionKey(keyId: string, token: string, request: ReceivedRequest, intent: Intent): string {
    return hashOf(
      JSON.stringify([
        keyId,
        token,
        intent.action,
        intent.resource,
        intent.context ?? null,
        intent.resourcePolicy ?? null,
        request.sourceIp ?? null,
        request.secure ?? null,
      ]),
    ).toString('hex');
  }

  async #ask(
    request: ReceivedRequest,
    intent: Intent,
    parts: SignatureParts,
    signed: IncomingRequest,
    kept: { keyId: string; tokenHash: Buffer; decisionKey: string },
  ): Promise<Verdict> {
    const question: AuthorizeQuestion = {
      request: {
        method: request.method,
        path: request.path,
        query: request.query,
        headers: Object.fromEntries(
          Object.entries(request.headers).filter(
            (entry): entry is [string, string | string[]] => entry[1] !== undefined,
          ),
        ),
        ...(request.payloadHash !== undefined ? { payloadHash: request.payloadHash } : {}),
        ...(request.sourceIp !== undefined ? { sourceIp: request.sourceIp } : {}),
        ...(request.secure !== undefined ? { secure: request.secure } : {}),
      },
      action: intent.action,
      resource: intent.resource,
      ...(intent.context ? { context: intent.context } : {}),
      ...(intent.resourcePolicy !== undefined ? { resourcePolicy: intent.resourcePolicy } : {}),
      signingKey: true,
    };
    let answer: AuthorizeAnswer;
    try {
      answer = await this.#client.authorize(question);
    } catch (error) {
      if (error instanceof GatehouseUnavailable) return refused('ServiceUnavailable', error.message);
      throw error;
    }
    if (answer.errorCode !== undefined) {
      const expired = parts.form === 'query' && answer.reason.startsWith('Signature expired');
      if (expired) return refused('AccessDenied', 'Request has expired');
      return refused(CLIENT_CODES[answer.errorCode] ?? answer.errorCode, answer.reason);
    }
    let grant: KeyGrant | null = null;
    if (answer.signingKey) {
      grant = {
        key: Buffer.from(answer.signingKey.key, 'base64'),
        scope: answer.signingKey.scope,
        tokenHash: kept.tokenHash,
      };
      const expiresAt = answer.signingKey.credentialExpiresAt;
      const ttl =
        expiresAt === null ? this.#keys.ttlMs : Math.min(this.#keys.ttlMs, Date.parse(expiresAt) - this.#now());
      this.#keys.set(kept.keyId, grant, ttl);
      this.#decisions.set(kept.decisionKey, answer, ttl);
    }
    return this.#verdictOf(answer, parts, signed, grant);
  }

  #verdictOf(answer: AuthorizeAnswer, parts: SignatureParts, signed: IncomingRequest, grant: KeyGrant | null): Verdict {
    if (answer.decision !== 'Allow') return refused('AccessDenied', 'Access Denied', answer.principal);
    const streaming = STREAMING_SIGNED.has(signed.payloadHash) && grant !== null;
    const amzDate = firstHeader(signed.headers['x-amz-date']) ?? '';
    return {
      allowed: true,
      principal: answer.principal!,
      chunkSigner: streaming ? chunkSigner(grant.key, amzDate, grant.scope, parts.signature) : null,
    };
  }
}
