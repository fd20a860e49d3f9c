import { createHash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import type { ChunkSigner } from '@gatehouse/authorizer';
import { EMPTY_SHA256, sameText } from '@gatehouse/authorizer/sigv4';
import { S3Error } from './s3-requests.ts';

const CRLF = Buffer.from('\r\n');
/** A chunk header or trailer line longer than this is not the aws-chunked format. */
const MAX_LINE = 4096;

function malformed(): S3Error {
  return new S3Error('IncompleteBody', 400, 'The request body is not in the aws-chunked format it declares.');
}

function signatureMismatch(): S3Error {
  return new S3Error(
    'SignatureDoesNotMatch',
    403,
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  );
}

/**
 * Decodes an aws-chunked body (`Content-Encoding: aws-chunked`): `SIZE[;chunk-signature=SIG]\r\n
 * DATA\r\n` until a chunk of size 0, then trailer lines (`x-amz-checksum-crc32:…`) and an empty
 * line. Passes the data on; verifies each chunk's signature when a signer is given; collects the
 * trailers (`trailers`) once the stream ends.
 */
export class AwsChunkedDecoder extends Transform {
  readonly trailers: Record<string, string> = {};
  #pending: Buffer = Buffer.alloc(0);
  #state: 'header' | 'data' | 'data-end' | 'trailer' | 'done' = 'header';
  #remaining = 0;
  #chunkSignature: string | undefined;
  #chunkHash = createHash('sha256');
  #previous: string | undefined;
  #trailerLines: string[] = [];

  constructor(private readonly signer: ChunkSigner | null) {
    super();
    this.#previous = signer?.seed;
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.#pending = this.#pending.length ? Buffer.concat([this.#pending, chunk]) : chunk;
    try {
      this.#drain();
      done();
    } catch (error) {
      done(error as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    done(this.#state === 'done' && this.#pending.length === 0 ? null : malformed());
  }

  #line(): string | null {
    const end = this.#pending.indexOf(CRLF);
    if (end < 0) {
      if (this.#pending.length > MAX_LINE) throw malformed();
      return null;
    }
    const line = this.#pending.subarray(0, end).toString('latin1');
    this.#pending = this.#pending.subarray(end + 2);
    return line;
  }

  #drain(): void {
    for (;;) {
      if (this.#state === 'header') {
        const line = this.#line();
        if (line === null) return;
        const [size = '', ...extensions] = line.split(';');
        if (!/^[0-9a-fA-F]{1,16}$/.test(size)) throw malformed();
        this.#remaining = Number.parseInt(size, 16);
        this.#chunkSignature = extensions.find((e) => e.startsWith('chunk-signature='))?.slice(16);
        if (this.signer && !this.#chunkSignature) throw signatureMismatch();
        this.#chunkHash = createHash('sha256');
        if (this.#remaining === 0) {
          this.#verifyChunk(EMPTY_SHA256);
          this.#state = 'trailer';
        } else this.#state = 'data';
      } else if (this.#state === 'data') {
        if (this.#pending.length === 0) return;
        const part = this.#pending.subarray(0, this.#remaining);
        this.#pending = this.#pending.subarray(part.length);
        this.#remaining -= part.length;
        this.#chunkHash.update(part);
        this.push(part);
        if (this.#remaining === 0) this.#state = 'data-end';
      } else if (this.#state === 'data-end') {
        if (this.#pending.length < 2) return;
        if (!this.#pending.subarray(0, 2).equals(CRLF)) throw malformed();
        this.#pending = this.#pending.subarray(2);
        this.#verifyChunk(this.#chunkHash.digest('hex'));
        this.#state = 'header';
      } else if (this.#state === 'trailer') {
        const line = this.#line();
        if (line === null) {
          // A stream without trailers may end right after the last chunk's CRLF.
          return;
        }
        if (line === '') {
          this.#finishTrailers();
          this.#state = 'done';
        } else this.#trailerLines.push(line);
      } else {
        if (this.#pending.length > 0) throw malformed();
        return;
      }
    }
  }

  #verifyChunk(sha256Hex: string): void {
    if (!this.signer) return;
    const expected = this.signer.chunk(this.#previous!, sha256Hex);
    if (!sameText(expected, this.#chunkSignature ?? '')) throw signatureMismatch();
    this.#previous = expected;
  }

  #finishTrailers(): void {
    let signature: string | undefined;
    const signed: string[] = [];
    for (const line of this.#trailerLines) {
      const colon = line.indexOf(':');
      if (colon < 1) throw malformed();
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      if (name === 'x-amz-trailer-signature') signature = value;
      else {
        this.trailers[name] = value;
        signed.push(`${name}:${value}\n`);
      }
    }
    if (this.signer && signed.length > 0) {
      const hash = createHash('sha256').update(signed.join('')).digest('hex');
      if (!sameText(this.signer.trailer(this.#previous!, hash), signature ?? '')) throw signatureMismatch();
    }
  }
}
