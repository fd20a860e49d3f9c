import { EMPTY_SHA256 } from './sigv4/canonical-request.ts';
import { signWithKey } from './sigv4/signing-key.ts';

/**
 * The signatures of a signed upload (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD[-TRAILER]`): each chunk
 * signs its data's hash over the signature before it, starting from the request's own (the
 * seed); trailing headers are signed likewise. A service compares what the client sent with these.
 */
export interface ChunkSigner {
  seed: string;
  chunk(previous: string, chunkSha256Hex: string): string;
  trailer(previous: string, trailerSha256Hex: string): string;
}

export function chunkSigner(signingKey: Buffer, amzDate: string, scope: string, seed: string): ChunkSigner {
  return {
    seed,
    chunk: (previous, chunkSha256Hex) =>
      signWithKey(
        signingKey,
        ['AWS4-HMAC-SHA256-PAYLOAD', amzDate, scope, previous, EMPTY_SHA256, chunkSha256Hex].join('\n'),
      ),
    trailer: (previous, trailerSha256Hex) =>
      signWithKey(signingKey, ['AWS4-HMAC-SHA256-TRAILER', amzDate, scope, previous, trailerSha256Hex].join('\n')),
  };
}
