import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { crc32 } from 'node:zlib';

/** What an upload's bytes were: size, MD5 (the ETag), SHA-256, and the flexible checksums this store computes. */
export interface BodyDigests {
  size: number;
  md5: Buffer;
  sha256Hex: string;
  /** Base64 values by header name (`x-amz-checksum-crc32`, `-sha1`, `-sha256`), as S3 gives them. */
  checksums: Record<string, string>;
}

/**
 * Passes an upload through while digesting it. The flexible checksums AWS clients send
 * (`x-amz-checksum-ALGORITHM`, as a header or an aws-chunked trailer) are checked when this store
 * computes them (CRC32, SHA-1, SHA-256); others (CRC32C, CRC64NVME) are kept as sent, unchecked.
 */
export class DigestingStream extends Transform {
  #size = 0;
  #crc = 0;
  readonly #md5 = createHash('md5');
  readonly #sha1 = createHash('sha1');
  readonly #sha256 = createHash('sha256');

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#size += chunk.length;
    this.#crc = crc32(chunk, this.#crc);
    this.#md5.update(chunk);
    this.#sha1.update(chunk);
    this.#sha256.update(chunk);
    done(null, chunk);
  }

  /** Once the stream has ended. */
  digests(): BodyDigests {
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(this.#crc >>> 0);
    const sha256 = this.#sha256.digest();
    return {
      size: this.#size,
      md5: this.#md5.digest(),
      sha256Hex: sha256.toString('hex'),
      checksums: {
        'x-amz-checksum-crc32': crc.toString('base64'),
        'x-amz-checksum-sha1': this.#sha1.digest('base64'),
        'x-amz-checksum-sha256': sha256.toString('base64'),
      },
    };
  }
}

/** The first claimed checksum the body does not match, as `[header, claimed]`; null when all that can be checked agree. */
export function checksumMismatch(
  claimed: Record<string, string>,
  computed: Record<string, string>,
): [string, string] | null {
  for (const [name, value] of Object.entries(claimed)) {
    const actual = computed[name];
    if (actual !== undefined && actual !== value) return [name, value];
  }
  return null;
}
