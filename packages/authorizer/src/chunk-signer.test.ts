import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { chunkSigner } from './chunk-signer.ts';
import { deriveSigningKey } from './sigv4/signing-key.ts';

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('chunk signatures of a signed upload', () => {
  it("gives the signatures of AWS's published example (PUT of 66,560 bytes in 64 KiB chunks)", () => {
    const key = deriveSigningKey('wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY', '20130524', 'us-east-1', 's3');
    const signer = chunkSigner(
      key,
      '20130524T000000Z',
      '20130524/us-east-1/s3/aws4_request',
      '4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9',
    );
    const first = signer.chunk(signer.seed, sha(Buffer.alloc(65536, 'a')));
    const second = signer.chunk(first, sha(Buffer.alloc(1024, 'a')));
    const last = signer.chunk(second, sha(Buffer.alloc(0)));
    expect([first, second, last]).toEqual([
      'ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648',
      '0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497',
      'b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9',
    ]);
  });
});
