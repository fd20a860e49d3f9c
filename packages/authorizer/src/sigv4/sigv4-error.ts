/** Why a signature or a signed request was refused, in the AWS error codes services answer with. */
export type SigV4ErrorCode =
  | 'IncompleteSignature'
  | 'SignatureDoesNotMatch'
  | 'RequestTimeTooSkewed'
  | 'MissingAuthenticationToken'
  | 'ValidationError';

export class SigV4Error extends Error {
  override name = 'SigV4Error';
  constructor(
    readonly code: SigV4ErrorCode,
    message: string,
  ) {
    super(message);
  }
}
