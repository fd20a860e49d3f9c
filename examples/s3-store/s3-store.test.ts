import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type Server, createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { promisify } from 'node:util';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListBucketsCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsCli } from '../../test/support/aws-cli.ts';
import { listenHttp } from '../../test/support/listen.ts';
import { ObjectFiles } from './object-files.ts';
import { s3Store } from './s3-store.ts';

/** The store's S3 protocol with authorization off, driven by the AWS SDK's S3 client and the AWS CLI. */
/** Each AWS CLI command starts a Python interpreter: seconds each on a busy machine. */
const AWS_CLI_TIMEOUT = 90_000;

describe('the example S3 store speaks S3 to real AWS clients', () => {
  let server: Server;
  let dir: string;
  let endpoint: string;
  let s3: S3Client;
  const credentials = { accessKeyId: 'AKIAEXAMPLEEXAMPLE01', secretAccessKey: 'unchecked-without-a-guard' };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 's3-store-'));
    server = createServer(s3Store(new ObjectFiles(join(dir, 'data')), null));
    endpoint = await listenHttp(server);
    s3 = new S3Client({ endpoint, region: 'us-east-1', forcePathStyle: true, credentials, maxAttempts: 1 });
  });
  afterAll(async () => {
    s3.destroy();
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  it('creates buckets, stores, reads, lists and deletes objects', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'photos' }));
    await expect(s3.send(new CreateBucketCommand({ Bucket: 'photos' }))).rejects.toMatchObject({
      name: 'BucketAlreadyOwnedByYou',
    });
    expect((await s3.send(new ListBucketsCommand({}))).Buckets!.map((b) => b.Name)).toEqual(['photos']);

    const put = await s3.send(
      new PutObjectCommand({ Bucket: 'photos', Key: '2026/dec/cat.txt', Body: 'meow', ContentType: 'text/plain' }),
    );
    expect(put.ETag).toBe('"4a4be40c96ac6314e91d93f38043a634"');
    const got = await s3.send(new GetObjectCommand({ Bucket: 'photos', Key: '2026/dec/cat.txt' }));
    expect([await got.Body!.transformToString(), got.ContentType, got.ContentLength]).toEqual([
      'meow',
      'text/plain',
      4,
    ]);
    const part = await s3.send(new GetObjectCommand({ Bucket: 'photos', Key: '2026/dec/cat.txt', Range: 'bytes=1-2' }));
    expect([await part.Body!.transformToString(), part.ContentRange]).toEqual(['eo', 'bytes 1-2/4']);
    expect((await s3.send(new HeadObjectCommand({ Bucket: 'photos', Key: '2026/dec/cat.txt' }))).ContentLength).toBe(4);

    await expect(s3.send(new GetObjectCommand({ Bucket: 'photos', Key: 'nothing' }))).rejects.toMatchObject({
      name: 'NoSuchKey',
    });
    await expect(s3.send(new HeadObjectCommand({ Bucket: 'photos', Key: 'nothing' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
    await expect(s3.send(new ListObjectsV2Command({ Bucket: 'nobucket' }))).rejects.toMatchObject({
      name: 'NoSuchBucket',
    });
    await expect(s3.send(new DeleteBucketCommand({ Bucket: 'photos' }))).rejects.toMatchObject({
      name: 'BucketNotEmpty',
    });
    await s3.send(new DeleteObjectCommand({ Bucket: 'photos', Key: '2026/dec/cat.txt' }));
    await expect(s3.send(new HeadObjectCommand({ Bucket: 'photos', Key: '2026/dec/cat.txt' }))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 404 },
    });
    await s3.send(new DeleteBucketCommand({ Bucket: 'photos' }));
    expect((await s3.send(new ListBucketsCommand({}))).Buckets ?? []).toEqual([]);
  });

  it('lists with prefix, delimiter and continuation, as S3 pages', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'listing' }));
    const keys = ['a.txt', 'docs/one', 'docs/two', 'docs/deep/three', 'logs/x', 'z y.txt'];
    for (const Key of keys) await s3.send(new PutObjectCommand({ Bucket: 'listing', Key, Body: Key }));

    const top = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', Delimiter: '/' }));
    expect(top.Contents!.map((c) => c.Key)).toEqual(['a.txt', 'z y.txt']);
    expect(top.CommonPrefixes!.map((p) => p.Prefix)).toEqual(['docs/', 'logs/']);

    const docs = await s3.send(new ListObjectsV2Command({ Bucket: 'listing', Prefix: 'docs/', Delimiter: '/' }));
    expect(docs.Contents!.map((c) => c.Key)).toEqual(['docs/one', 'docs/two']);
    expect(docs.CommonPrefixes!.map((p) => p.Prefix)).toEqual(['docs/deep/']);

    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(
        new ListObjectsV2Command({ Bucket: 'listing', MaxKeys: 2, Delimiter: '/', ContinuationToken: token }),
      );
      expect(page.KeyCount).toBeLessThanOrEqual(2);
      seen.push(...(page.Contents ?? []).map((c) => c.Key!), ...(page.CommonPrefixes ?? []).map((p) => p.Prefix!));
      token = page.NextContinuationToken;
    } while (token);
    expect(seen.sort()).toEqual(['a.txt', 'docs/', 'logs/', 'z y.txt']);
  });

  it('refuses a body that does not match its signed SHA-256, and keeps nothing of it', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'strict' }));
    const response = await fetch(`${endpoint}/strict/k`, {
      method: 'PUT',
      headers: { 'x-amz-content-sha256': 'a'.repeat(64) },
      body: 'not what was signed',
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<Code>XAmzContentSHA256Mismatch</Code>');
    expect((await s3.send(new ListObjectsV2Command({ Bucket: 'strict' }))).KeyCount).toBe(0);
  });

  it('takes streamed uploads in aws-chunked form with a trailing checksum, and refuses one whose checksum is wrong', async () => {
    await s3.send(new CreateBucketCommand({ Bucket: 'streams' }));
    const parts = [Buffer.from('hello '), Buffer.from('chunked '), Buffer.from('world')];
    await s3.send(
      new PutObjectCommand({ Bucket: 'streams', Key: 'greeting', Body: Readable.from(parts), ContentLength: 19 }),
    );
    const got = await s3.send(new GetObjectCommand({ Bucket: 'streams', Key: 'greeting' }));
    expect(await got.Body!.transformToString()).toBe('hello chunked world');

    const response = await fetch(`${endpoint}/streams/tampered`, {
      method: 'PUT',
      headers: {
        'content-encoding': 'aws-chunked',
        'x-amz-content-sha256': 'STREAMING-UNSIGNED-PAYLOAD-TRAILER',
        'x-amz-trailer': 'x-amz-checksum-crc32',
        'x-amz-decoded-content-length': '5',
      },
      body: '5\r\nhello\r\n0\r\nx-amz-checksum-crc32:AAAAAA==\r\n\r\n',
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('<Code>BadDigest</Code>');
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: 'streams' }));
    expect(listed.Contents!.map((c) => c.Key)).toEqual(['greeting']);
  });

  it(
    'serves the AWS CLI: aws s3 mb, cp both ways, ls, rm',
    async () => {
      const run = promisify(execFile);
      const aws = awsCli(endpoint, credentials);
      const file = join(dir, 'report.csv');
      await writeFile(file, 'a,b\n1,2\n'.repeat(1000));
      await aws('s3', 'mb', 's3://cli-bucket');
      await aws('s3', 'cp', file, 's3://cli-bucket/reports/report.csv');
      expect((await aws('s3', 'ls', 's3://cli-bucket/reports/')).stdout).toMatch(/8000 report\.csv/);
      await aws('s3', 'cp', 's3://cli-bucket/reports/report.csv', join(dir, 'back.csv'));
      expect((await run('cmp', [file, join(dir, 'back.csv')])).stdout).toBe('');
      await aws('s3', 'rm', 's3://cli-bucket/reports/report.csv');
      expect((await aws('s3', 'ls', 's3://cli-bucket/')).stdout).toBe('');
    },
    AWS_CLI_TIMEOUT,
  );
});
