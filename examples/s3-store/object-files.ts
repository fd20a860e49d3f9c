import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, readdir, rename, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { type BodyDigests, DigestingStream } from './checksums.ts';
import { S3Error } from './s3-requests.ts';

/** What the store keeps beside an object's bytes. */
export interface ObjectMeta {
  key: string;
  /** The file under `objects/` that holds these bytes. */
  file: string;
  size: number;
  etag: string;
  contentType: string;
  lastModified: string;
  checksums: Record<string, string>;
}

export interface BucketInfo {
  name: string;
  createdAt: string;
}

const BUCKET_NAME = /^(?!\d+\.\d+\.\d+\.\d+$)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

function noSuchBucket(): S3Error {
  return new S3Error('NoSuchBucket', 404, 'The specified bucket does not exist');
}

/**
 * Buckets and objects as files: `DIR/BUCKET/bucket.json`, and each object as `meta/H.json` (H the
 * SHA-256 of its key, so any key — slashes, dots, 1,024 bytes — is one safe file name) naming the
 * file under `objects/` that holds its bytes. An upload writes a new file and then replaces the
 * metadata in one rename: a reader sees the old object or the new one, never part of one.
 */
export class ObjectFiles {
  constructor(private readonly dir: string) {}

  #bucketDir(bucket: string): string {
    if (!BUCKET_NAME.test(bucket) || bucket.includes('..')) {
      throw new S3Error('InvalidBucketName', 400, 'The specified bucket is not valid.');
    }
    return join(this.dir, bucket);
  }

  #paths(bucket: string, key: string) {
    const name = createHash('sha256').update(key).digest('hex');
    const root = this.#bucketDir(bucket);
    return { meta: join(root, 'meta', `${name}.json`), root };
  }

  async #requireBucket(bucket: string): Promise<string> {
    const root = this.#bucketDir(bucket);
    if (!(await stat(join(root, 'bucket.json')).catch(() => null))) throw noSuchBucket();
    return root;
  }

  async createBucket(bucket: string, now: Date): Promise<void> {
    const root = this.#bucketDir(bucket);
    await mkdir(this.dir, { recursive: true });
    try {
      await mkdir(root);
    } catch {
      throw new S3Error(
        'BucketAlreadyOwnedByYou',
        409,
        'Your previous request to create the named bucket succeeded and you already own it.',
      );
    }
    await mkdir(join(root, 'objects'));
    await mkdir(join(root, 'meta'));
    await writeFile(join(root, 'bucket.json'), JSON.stringify({ name: bucket, createdAt: now.toISOString() }));
  }

  async headBucket(bucket: string): Promise<void> {
    await this.#requireBucket(bucket);
  }

  async deleteBucket(bucket: string): Promise<void> {
    const root = await this.#requireBucket(bucket);
    if ((await readdir(join(root, 'meta'))).some((name) => name.endsWith('.json'))) {
      throw new S3Error('BucketNotEmpty', 409, 'The bucket you tried to delete is not empty');
    }
    await rm(join(root, 'bucket.json'));
    await rmdir(join(root, 'objects'));
    await rmdir(join(root, 'meta'));
    await rmdir(root);
  }

  async listBuckets(): Promise<BucketInfo[]> {
    const names = await readdir(this.dir).catch(() => [] as string[]);
    const buckets: BucketInfo[] = [];
    for (const name of names.sort()) {
      const info = await readFile(join(this.dir, name, 'bucket.json'), 'utf8').catch(() => null);
      if (info) buckets.push(JSON.parse(info) as BucketInfo);
    }
    return buckets;
  }

  /** Every object of a bucket, sorted by key (UTF-8 byte order, as S3 lists). */
  async listObjects(bucket: string): Promise<ObjectMeta[]> {
    const root = await this.#requireBucket(bucket);
    const files = await readdir(join(root, 'meta'));
    const objects: ObjectMeta[] = [];
    for (const file of files.filter((name) => name.endsWith('.json'))) {
      const meta = await readFile(join(root, 'meta', file), 'utf8').catch(() => null);
      if (meta) objects.push(JSON.parse(meta) as ObjectMeta);
    }
    return objects.sort((a, b) => Buffer.compare(Buffer.from(a.key), Buffer.from(b.key)));
  }

  /**
   * Writes the body (`open` gives it, called once the bucket is known to exist, so nothing flows
   * before the write is ready) to a new file, then `check` (which sees the bytes' digests and may refuse
   * them, and gives the checksums to keep), then puts it in place. Nothing of a refused or broken
   * upload remains.
   */
  async putObject(
    bucket: string,
    key: string,
    open: () => Readable,
    contentType: string,
    now: Date,
    check: (digests: BodyDigests) => Record<string, string>,
  ): Promise<ObjectMeta> {
    await this.#requireBucket(bucket);
    const paths = this.#paths(bucket, key);
    const previous = await this.#readMeta(paths.meta);
    const file = randomUUID();
    const data = join(paths.root, 'objects', file);
    const digesting = new DigestingStream();
    try {
      await pipeline(open(), digesting, createWriteStream(data));
      const digests = digesting.digests();
      const checksums = check(digests);
      const meta: ObjectMeta = {
        key,
        file,
        size: digests.size,
        etag: `"${digests.md5.toString('hex')}"`,
        contentType,
        lastModified: now.toISOString(),
        checksums,
      };
      await writeFile(`${paths.meta}.${file}`, JSON.stringify(meta));
      await rename(`${paths.meta}.${file}`, paths.meta);
      if (previous) await rm(join(paths.root, 'objects', previous.file), { force: true });
      return meta;
    } catch (error) {
      await rm(data, { force: true });
      throw error;
    }
  }

  /** The metadata file at `path`, or null when the object is not there (the bucket is known to exist). */
  async #readMeta(path: string): Promise<ObjectMeta | null> {
    const meta = await readFile(path, 'utf8').catch(() => null);
    return meta ? (JSON.parse(meta) as ObjectMeta) : null;
  }

  async headObject(bucket: string, key: string): Promise<ObjectMeta> {
    await this.#requireBucket(bucket);
    const meta = await this.#readMeta(this.#paths(bucket, key).meta);
    if (!meta) throw new S3Error('NoSuchKey', 404, 'The specified key does not exist.');
    return meta;
  }

  /** The bytes of the object `meta` describes (from headObject), or a span of them. */
  openObject(bucket: string, meta: ObjectMeta, range: { start: number; end: number } | null): Readable {
    return createReadStream(join(this.#bucketDir(bucket), 'objects', meta.file), range ?? {});
  }

  async deleteObject(bucket: string, key: string): Promise<void> {
    await this.#requireBucket(bucket);
    const paths = this.#paths(bucket, key);
    const meta = await this.#readMeta(paths.meta);
    if (!meta) return;
    await rm(paths.meta, { force: true });
    await rm(join(paths.root, 'objects', meta.file), { force: true });
  }
}
