import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ChunkSigner } from '@gatehouse/authorizer';
import { AwsChunkedDecoder } from './aws-chunked.ts';
import { checksumMismatch } from './checksums.ts';
import { listObjectsV2 } from './list-objects.ts';
import type { ObjectFiles, ObjectMeta } from './object-files.ts';
import { S3Error, type S3Operation, operationOf } from './s3-requests.ts';
import { errorXml, resultXml } from './s3-xml.ts';

/** What guards the store: it decides each request before the store touches a file. */
export interface StoreGuard {
  authorize(
    req: IncomingMessage,
    op: Pick<S3Operation, 'action' | 'resource' | 'context'>,
  ): Promise<{ allowed: true; chunkSigner: ChunkSigner | null } | { allowed: false; error: S3Error }>;
}

const STREAMING_SIGNED = new Set(['STREAMING-AWS4-HMAC-SHA256-PAYLOAD', 'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER']);
const STREAMING_UNSIGNED = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';

function checksumHeaders(headers: IncomingMessage['headers']): Record<string, string> {
  const claimed: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (name.startsWith('x-amz-checksum-') && name !== 'x-amz-checksum-algorithm' && typeof value === 'string') {
      claimed[name] = value;
    }
  }
  return claimed;
}

function objectHeaders(meta: ObjectMeta): Record<string, string> {
  return {
    'content-type': meta.contentType,
    etag: meta.etag,
    'last-modified': new Date(meta.lastModified).toUTCString(),
    'accept-ranges': 'bytes',
  };
}

/** `Range: bytes=A-B | A- | -N` over an object of `size` bytes: the inclusive byte span, or null for the whole. */
function rangeOf(header: string | undefined, size: number): { start: number; end: number } | null {
  const match = header?.match(/^bytes=(\d*)-(\d*)$/);
  if (!match || (match[1] === '' && match[2] === '')) return null;
  const [start, end] =
    match[1] === ''
      ? [Math.max(0, size - Number(match[2])), size - 1]
      : [Number(match[1]), match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1)];
  if (start > end || start >= size) {
    throw new S3Error('InvalidRange', 416, 'The requested range is not satisfiable');
  }
  return { start, end };
}

/**
 * An S3-compatible object store over `files`, path-style (`/bucket/key`): ListBuckets,
 * CreateBucket, HeadBucket, DeleteBucket, ListObjectsV2, PutObject (plain, UNSIGNED-PAYLOAD,
 * and aws-chunked signed or unsigned with trailing checksums), GetObject (with a byte range),
 * HeadObject, DeleteObject. Every request passes `guard` first, when there is one.
 */
export function s3Store(files: ObjectFiles, guard: StoreGuard | null, now: () => Date = () => new Date()) {
  async function serve(req: IncomingMessage, res: ServerResponse, op: S3Operation, signer: ChunkSigner | null) {
    const xml = (status: number, root: string, body: Parameters<typeof resultXml>[1]) => {
      res.writeHead(status, { 'content-type': 'application/xml' }).end(resultXml(root, body));
    };
    switch (op.name) {
      case 'ListBuckets': {
        const buckets = await files.listBuckets();
        return xml(200, 'ListAllMyBucketsResult', {
          Owner: { ID: 'gatehouse-example', DisplayName: 'gatehouse-example' },
          Buckets: { Bucket: buckets.map((b) => ({ Name: b.name, CreationDate: b.createdAt })) },
        });
      }
      case 'CreateBucket':
        req.resume();
        await files.createBucket(op.bucket, now());
        return res.writeHead(200, { location: `/${op.bucket}` }).end();
      case 'HeadBucket':
        await files.headBucket(op.bucket);
        return res.writeHead(200).end();
      case 'DeleteBucket':
        await files.deleteBucket(op.bucket);
        return res.writeHead(204).end();
      case 'ListObjectsV2':
        return xml(200, 'ListBucketResult', listObjectsV2(op.bucket, await files.listObjects(op.bucket), op.query));
      case 'PutObject':
        return putObject(req, res, op, signer);
      case 'HeadObject': {
        const meta = await files.headObject(op.bucket, op.key);
        return res.writeHead(200, { ...objectHeaders(meta), 'content-length': String(meta.size) }).end();
      }
      case 'GetObject': {
        const meta = await files.headObject(op.bucket, op.key);
        const range = rangeOf(req.headers.range, meta.size);
        const body = files.openObject(op.bucket, meta, range);
        res.writeHead(range ? 206 : 200, {
          ...objectHeaders(meta),
          'content-length': String(range ? range.end - range.start + 1 : meta.size),
          ...(range ? { 'content-range': `bytes ${range.start}-${range.end}/${meta.size}` } : {}),
        });
        return pipeline(body, res);
      }
      case 'DeleteObject':
        await files.deleteObject(op.bucket, op.key);
        return res.writeHead(204).end();
    }
  }

  async function putObject(req: IncomingMessage, res: ServerResponse, op: S3Operation, signer: ChunkSigner | null) {
    const payload = String(req.headers['x-amz-content-sha256'] ?? 'UNSIGNED-PAYLOAD');
    const chunked = STREAMING_SIGNED.has(payload) || payload === STREAMING_UNSIGNED;
    if (STREAMING_SIGNED.has(payload) && guard && !signer) {
      throw new S3Error('AccessDenied', 403, 'The signed stream could not be verified.');
    }
    const decoder = chunked ? new AwsChunkedDecoder(STREAMING_SIGNED.has(payload) ? signer : null) : null;
    const open = (): Readable => {
      if (!decoder) return req;
      req.on('error', (error) => decoder.destroy(error));
      return req.pipe(decoder);
    };
    const declaredLength = req.headers['x-amz-decoded-content-length'];
    const meta = await files.putObject(
      op.bucket,
      op.key,
      open,
      String(req.headers['content-type'] ?? 'binary/octet-stream'),
      now(),
      ({ md5, sha256Hex, size, checksums }) => {
        if (/^[0-9a-f]{64}$/.test(payload) && payload !== sha256Hex) {
          throw new S3Error(
            'XAmzContentSHA256Mismatch',
            400,
            "The provided 'x-amz-content-sha256' header does not match what was computed.",
          );
        }
        if (declaredLength !== undefined && Number(declaredLength) !== size) {
          throw new S3Error('IncompleteBody', 400, 'You did not provide the number of bytes specified by the header.');
        }
        const contentMd5 = req.headers['content-md5'];
        if (contentMd5 !== undefined && contentMd5 !== md5.toString('base64')) {
          throw new S3Error('BadDigest', 400, 'The Content-MD5 you specified did not match what we received.');
        }
        const claimed = { ...checksumHeaders(req.headers), ...(decoder?.trailers ?? {}) };
        const mismatch = checksumMismatch(claimed, checksums);
        if (mismatch) {
          throw new S3Error(
            'BadDigest',
            400,
            `The ${mismatch[0].slice(15).toUpperCase()} you specified did not match the calculated checksum.`,
          );
        }
        return claimed;
      },
    );
    res.writeHead(200, { etag: meta.etag, ...meta.checksums }).end();
  }

  return async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomBytes(8).toString('hex').toUpperCase();
    res.setHeader('x-amz-request-id', requestId);
    let resource = req.url ?? '/';
    try {
      const op = operationOf(req);
      resource = op.key ? `/${op.bucket}/${op.key}` : `/${op.bucket}`;
      let signer: ChunkSigner | null = null;
      if (guard) {
        const decision = await guard.authorize(req, op);
        if (!decision.allowed) throw decision.error;
        signer = decision.chunkSigner;
      }
      await serve(req, res, op, signer);
    } catch (error) {
      const s3 =
        error instanceof S3Error
          ? error
          : new S3Error('InternalError', 500, 'We encountered an internal error. Please try again.');
      if (res.headersSent) {
        // The answer was under way (a client that hung up mid-body): nothing more can be said to it.
        res.destroy();
        return;
      }
      if (!(error instanceof S3Error)) console.error(error);
      req.resume();
      res.writeHead(s3.status, { 'content-type': 'application/xml', connection: 'close' });
      res.end(req.method === 'HEAD' ? undefined : errorXml(s3.code, s3.message, resource, requestId));
    }
  };
}
