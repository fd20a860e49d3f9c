/**
 * One error type with a closed set of codes. Each code carries its HTTP status and
 * whether its message may be shown to whoever made the request. Codes follow AWS IAM
 * where AWS has one, so the Query API can send them as they are. Never rename or
 * reuse a code: clients match on them.
 */
export const ERROR_CODES = {
  /** A field failed validation; the message names the field and the rule. */
  ValidationError: { status: 400, safe: true },
  /** Input AWS calls invalid (bad combinations, malformed values). */
  InvalidInput: { status: 400, safe: true },
  /** The new password breaks the password rules; the message names the rule. */
  PasswordPolicyViolation: { status: 400, safe: true },
  /** The name is taken. */
  EntityAlreadyExists: { status: 409, safe: true },
  /** The named thing does not exist (only where saying so reveals nothing). */
  NoSuchEntity: { status: 404, safe: true },
  /** A quota such as two access keys per user. */
  LimitExceeded: { status: 409, safe: true },
  /** A policy document breaks the IAM policy grammar; the message names what is wrong. */
  MalformedPolicyDocument: { status: 400, safe: true },
  /** Cannot delete while other things depend on it. */
  DeleteConflict: { status: 409, safe: true },
  /** Signed in but not allowed. */
  AccessDenied: { status: 403, safe: true },
  /** The one answer for every failed sign-in, whatever the real reason. */
  InvalidCredentials: { status: 401, safe: true },
  /** A state-changing request without a valid CSRF token or from another origin. */
  CsrfRejected: { status: 403, safe: true },
  /** The page needs a session. */
  NotSignedIn: { status: 401, safe: true },
  /** Too much work queued; try again shortly. */
  Overloaded: { status: 503, safe: true },
  /** Too many attempts from this address or network on sign-in and recovery forms; wait and try again. */
  Throttled: { status: 429, safe: true },
  /** Query API: the access key ID or session token is unknown, inactive or not valid here. */
  InvalidClientTokenId: { status: 403, safe: true },
  /** Query API: the SigV4 signature is wrong, expired (clock skew) or misses a header that must be signed. */
  SignatureDoesNotMatch: { status: 403, safe: true },
  /** Query API: the Authorization header or presigned query is malformed or incomplete. */
  IncompleteSignature: { status: 400, safe: true },
  /** Query API: the request carries no SigV4 signature at all. */
  MissingAuthenticationToken: { status: 403, safe: true },
  /** Query API: the temporary credentials' session token has expired. */
  ExpiredToken: { status: 403, safe: true },
  /** Query API: the Action (or its Version) is unknown. */
  InvalidAction: { status: 400, safe: true },
  /** Query API: the caller is of the wrong kind for the Action (e.g. the root user calling ChangePassword). */
  InvalidUserType: { status: 400, safe: true },
  /** Query API (STS): a parameter value is not acceptable, e.g. an access key ID this service never issued. */
  InvalidParameterValue: { status: 400, safe: true },
  /** Query API (STS): AssumeRole's session policies and session tags together do not pack into the space a session has. */
  PackedPolicyTooLarge: { status: 400, safe: true },
  /** Query API (STS): a web identity token that cannot be trusted: malformed, of no registered provider, for another audience, or not signed by the provider's keys. */
  InvalidIdentityToken: { status: 400, safe: true },
  /** Query API (STS): the web identity token's expiry (`exp`) has passed. AWS's code, with its suffix. */
  ExpiredTokenException: { status: 400, safe: true },
  /** Query API (STS): the web identity token lacks a claim AWS requires (a subject). */
  IDPRejectedClaim: { status: 403, safe: true },
  /** Query API (STS): the identity provider's discovery document or keys could not be fetched in time; retrying may help. */
  IDPCommunicationError: { status: 400, safe: true },
  /** MFA: the codes given to enable or resync a device are wrong, not consecutive, or too old. */
  InvalidAuthenticationCode: { status: 403, safe: true },
  /** Query API: GetCredentialReport before any GenerateCredentialReport. */
  ReportNotPresent: { status: 410, safe: true },
  /** Query API: the stored credential report is more than four hours old. */
  ReportExpired: { status: 410, safe: true },
  /** Authorization API: a forwarded request signed more than 15 minutes from the server's time (S3's code for it). */
  RequestTimeTooSkewed: { status: 403, safe: true },
  /** A bug or an outage; the message is never shown. */
  InternalError: { status: 500, safe: false },
} as const satisfies Record<string, { status: number; safe: boolean }>;

export type ErrorCode = keyof typeof ERROR_CODES;

export class GatehouseError extends Error {
  override name = 'GatehouseError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly safe: boolean;
  /** The form field the error belongs to, for field-level messages on pages. */
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.code = code;
    this.status = ERROR_CODES[code].status;
    this.safe = ERROR_CODES[code].safe;
    this.field = options.field;
  }
}

export function invalid(field: string, message: string): GatehouseError {
  return new GatehouseError('ValidationError', message, { field });
}
