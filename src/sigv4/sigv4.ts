import {
  type IncomingRequest,
  type PreparedSignature,
  type SignatureParts,
  SigV4Error,
  type SkewCode,
  decodePairs as decodeSignedPairs,
  prepareSignature as prepareSigned,
  signatureParts as signaturePartsOf,
} from '@gatehouse/authorizer/sigv4';
import { GatehouseError } from '../shared/errors.ts';

/**
 * Gatehouse's side of the SigV4 code it shares with the authorizer package (packages/authorizer):
 * the same functions, whose refusals become GatehouseErrors with the same codes and messages.
 */
export type { IncomingRequest, PreparedSignature, SignatureParts, SkewCode };
export {
  SIGNATURE_MISMATCH_MESSAGE,
  SigningKeyCache,
  amzDateOf,
  securityTokenOf,
  signatureMatches,
} from '@gatehouse/authorizer/sigv4';

function translated<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof SigV4Error) throw new GatehouseError(error.code, error.message);
    throw error;
  }
}

export function decodePairs(text: string): Array<[string, string]> {
  return translated(() => decodeSignedPairs(text));
}

export function signatureParts(request: IncomingRequest): SignatureParts {
  return translated(() => signaturePartsOf(request));
}

export function prepareSignature(
  parts: SignatureParts,
  request: IncomingRequest,
  now: Date,
  expectedService: string,
  skewCode?: SkewCode,
): PreparedSignature {
  return translated(() => prepareSigned(parts, request, now, expectedService, skewCode));
}
