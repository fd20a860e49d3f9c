/**
 * The JSON of Gatehouse's authorization API (`POST /authorize`), as Gatehouse answers it and this
 * package reads it: the one definition both sides compile against.
 */

/** A request as the service received it. */
export interface ForwardedRequest {
  method: string;
  /** The path as received, still percent-encoded. */
  path: string;
  /** The raw query string, without `?`. */
  query: string;
  /** Lower-case names, as received. */
  headers: Record<string, string | string[]>;
  /** The body's hex SHA-256 as the service computed it, `UNSIGNED-PAYLOAD`, or a streaming marker. */
  payloadHash?: string;
  /** The client's address, for aws:SourceIp. */
  sourceIp?: string;
  /** Whether the client's connection was TLS, for aws:SecureTransport. */
  secure?: boolean;
}

/** The service's question about one request. */
export interface AuthorizeQuestion {
  request: ForwardedRequest;
  action: string;
  resource: string;
  context?: Record<string, string | string[]>;
  resourcePolicy?: string | object;
  /** Ask for the request's derived signing key (`SigningKeyGrant`). */
  signingKey?: boolean;
  /**
   * Which decisions Gatehouse records as events in the account's audit trail: `denials` (the
   * default), `all`, or `none`. Every decision is counted per minute whatever this says.
   */
  record?: 'all' | 'denials' | 'none';
}

/** Who signed the request, once its signature verified. */
export interface Principal {
  arn: string;
  accountId: string;
  /** `AIDA…` for a user, `AROA…:SESSION` for a role session, the account ID for the root user (aws:userid). */
  userId: string;
  type: 'Root' | 'IAMUser' | 'AssumedRole';
  accessKeyId: string;
  mfaPresent: boolean;
  sourceIdentity: string | null;
}

/**
 * A derived SigV4 key handed to the service that received a request: it verifies that client's
 * requests (and the chunks of a signed upload) in the same scope — this key, day, region and
 * service — without asking again. It cannot sign for another service, region or day, and never
 * for Gatehouse's own (iam, sts, gatehouse), whose requests are never forwarded.
 */
export interface SigningKeyGrant {
  /** Base64. */
  key: string;
  /** `YYYYMMDD/REGION/SERVICE/aws4_request`. */
  scope: string;
  /** When the temporary credentials expire; null for an access key. */
  credentialExpiresAt: string | null;
}

export interface AuthorizeAnswer {
  decision: 'Allow' | 'Deny';
  reason: string;
  /** Set when the signature or credentials failed: the AWS error code the service should answer with. */
  errorCode?: string;
  /** Set once the signature verified. */
  principal?: Principal;
  /** Once the signature verified, when the service asked for it. */
  signingKey?: SigningKeyGrant;
}

/** At most this many questions in one `POST /authorize` (and the whole body at most 64 KiB). */
export const MAX_QUESTIONS = 30;

/** Several questions in one call: answered in order, each as if asked alone. */
export interface AuthorizeBatch {
  questions: AuthorizeQuestion[];
}

/**
 * Gatehouse refused to answer one question of a batch: the calling service's own fault for that
 * question (`AccessDenied` when it may not judge the key's account, `ValidationError` for a
 * malformed question), as a lone question would have been refused with that error.
 */
export interface QuestionRefused {
  error: { code: string; message: string };
}

export interface AuthorizeBatchAnswer {
  answers: Array<AuthorizeAnswer | QuestionRefused>;
}
