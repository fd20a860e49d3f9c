import type { ObjectMeta } from './object-files.ts';
import { S3Error } from './s3-requests.ts';
import type { XmlNode } from './s3-xml.ts';

const MAX_KEYS = 1000;

function encodeToken(marker: string): string {
  return Buffer.from(marker).toString('base64url');
}

function decodeToken(token: string): string {
  const marker = Buffer.from(token, 'base64url').toString();
  if (!token || encodeToken(marker) !== token) {
    throw new S3Error('InvalidArgument', 400, 'The continuation token provided is incorrect');
  }
  return marker;
}

/**
 * ListObjectsV2 over a bucket's sorted objects: `prefix`, `delimiter` (keys below it rolled up
 * into CommonPrefixes, each counting as one key), `max-keys` (at most 1,000), `start-after`,
 * `continuation-token` (the last key or common prefix given), and `encoding-type=url`.
 */
export function listObjectsV2(bucket: string, objects: ObjectMeta[], query: URLSearchParams): XmlNode {
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  const maxKeysParam = query.get('max-keys');
  const maxKeys = maxKeysParam === null ? MAX_KEYS : Number(maxKeysParam);
  if (!Number.isInteger(maxKeys) || maxKeys < 0) {
    throw new S3Error('InvalidArgument', 400, 'Provided max-keys not an integer or within integer range');
  }
  const limit = Math.min(maxKeys, MAX_KEYS);
  const token = query.get('continuation-token');
  const startAfter = query.get('start-after') ?? '';
  const after = token !== null ? decodeToken(token) : startAfter;
  const url = query.get('encoding-type') === 'url';
  const out = (text: string) => (url ? encodeURIComponent(text).replace(/%2F/g, '/') : text);

  const contents: XmlNode[] = [];
  const prefixes: string[] = [];
  let last: string | null = null;
  let truncated = false;
  for (const object of objects) {
    const key = object.key;
    if (!key.startsWith(prefix) || key <= after) continue;
    // Keys under a common prefix already given on an earlier page stay rolled up in it.
    if (delimiter && after.endsWith(delimiter) && key.startsWith(after)) continue;
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    const rolledUp = cut >= 0 ? key.slice(0, cut + delimiter.length) : null;
    if (rolledUp !== null && rolledUp === prefixes[prefixes.length - 1]) continue;
    if (contents.length + prefixes.length >= limit) {
      truncated = true;
      break;
    }
    if (rolledUp !== null) {
      prefixes.push(rolledUp);
      last = rolledUp;
    } else {
      contents.push({
        Key: out(key),
        LastModified: object.lastModified,
        ETag: object.etag,
        Size: object.size,
        StorageClass: 'STANDARD',
      });
      last = key;
    }
  }
  return {
    Name: bucket,
    Prefix: out(prefix),
    Delimiter: delimiter ? out(delimiter) : undefined,
    MaxKeys: maxKeys,
    EncodingType: url ? 'url' : undefined,
    KeyCount: contents.length + prefixes.length,
    IsTruncated: truncated,
    ContinuationToken: token ?? undefined,
    NextContinuationToken: truncated && last !== null ? encodeToken(last) : undefined,
    StartAfter: startAfter ? out(startAfter) : undefined,
    Contents: contents,
    CommonPrefixes: prefixes.map((p) => ({ Prefix: out(p) })),
  };
}
