/** SigV4, as AWS clients sign and as Gatehouse and this package verify: one implementation for both. */
export {
  EMPTY_SHA256,
  canonicalPath,
  canonicalQueryString,
  canonicalRequest,
  stringToSign,
  uriEncode,
} from './canonical-request.ts';
export { decodePairs } from './query-pairs.ts';
export {
  ALGORITHM,
  type SignatureParts,
  parseAuthorizationHeader,
  parsePresignedQuery,
  securityTokenOf,
  signatureParts,
} from './signature-parts.ts';
export { SigV4Error, type SigV4ErrorCode } from './sigv4-error.ts';
export { SigningKeyCache, deriveSigningKey, signWithKey } from './signing-key.ts';
export {
  type IncomingRequest,
  MAX_SKEW_MS,
  type PreparedSignature,
  SIGNATURE_MISMATCH_MESSAGE,
  type SkewCode,
  amzDateOf,
  prepareSignature,
  sameText,
  signatureMatches,
} from './verify-signature.ts';
