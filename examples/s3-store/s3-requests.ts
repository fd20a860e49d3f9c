import type { IncomingMessage } from 'node:http';

/** The S3 operations the example store serves, path-style (`/bucket/key`). */
export type OperationName =
  | 'ListBuckets'
  | 'CreateBucket'
  | 'DeleteBucket'
  | 'HeadBucket'
  | 'ListObjectsV2'
  | 'PutObject'
  | 'GetObject'
  | 'HeadObject'
  | 'DeleteObject';

/** A request as S3 understands it: the operation, and the IAM action and resource ARN that authorize it. */
export interface S3Operation {
  name: OperationName;
  /** As AWS names them (`s3:GetObject`), so AWS's policy examples work as written. */
  action: string;
  resource: string;
  bucket: string;
  key: string;
  query: URLSearchParams;
  /** Condition keys S3 sets for this action (`s3:prefix`, `s3:delimiter`, `s3:max-keys` on ListBucket). */
  context: Record<string, string>;
}

export class S3Error extends Error {
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const LIST_CONDITIONS = [
  ['prefix', 's3:prefix'],
  ['delimiter', 's3:delimiter'],
  ['max-keys', 's3:max-keys'],
] as const;

/** Sub-resources this store does not serve (`?acl`, `?uploads`, …): answered NotImplemented rather than misread. */
const SUB_RESOURCES = new Set([
  'acl',
  'cors',
  'delete',
  'lifecycle',
  'location',
  'logging',
  'notification',
  'policy',
  'tagging',
  'uploads',
  'uploadId',
  'versioning',
  'versions',
  'website',
]);

/** Which operation a request is, or an S3Error for one this store does not serve. */
export function operationOf(req: IncomingMessage): S3Operation {
  const url = new URL(req.url ?? '/', 'http://store');
  const [rawBucket = '', ...rest] = url.pathname.slice(1).split('/');
  const bucket = decodeURIComponent(rawBucket);
  const key = rest.length > 0 ? decodeURIComponent(rest.join('/')) : '';
  const method = req.method ?? 'GET';
  for (const name of url.searchParams.keys()) {
    if (SUB_RESOURCES.has(name)) throw new S3Error('NotImplemented', 501, `This store does not serve ?${name}.`);
  }
  const op = (name: OperationName, action: string, context: Record<string, string> = {}): S3Operation => ({
    name,
    action,
    resource: key ? `arn:aws:s3:::${bucket}/${key}` : bucket ? `arn:aws:s3:::${bucket}` : 'arn:aws:s3:::*',
    bucket,
    key,
    query: url.searchParams,
    context,
  });
  if (!bucket) {
    if (method === 'GET') return op('ListBuckets', 's3:ListAllMyBuckets');
  } else if (!key) {
    if (method === 'PUT') return op('CreateBucket', 's3:CreateBucket');
    if (method === 'DELETE') return op('DeleteBucket', 's3:DeleteBucket');
    if (method === 'HEAD') return op('HeadBucket', 's3:ListBucket');
    if (method === 'GET') {
      if (url.searchParams.get('list-type') !== '2') {
        throw new S3Error('NotImplemented', 501, 'This store lists objects with ListObjectsV2 (list-type=2) only.');
      }
      const context: Record<string, string> = {};
      for (const [param, conditionKey] of LIST_CONDITIONS) {
        const value = url.searchParams.get(param);
        if (value !== null) context[conditionKey] = value;
      }
      return op('ListObjectsV2', 's3:ListBucket', context);
    }
  } else {
    if (method === 'PUT') {
      if (req.headers['x-amz-copy-source'])
        throw new S3Error('NotImplemented', 501, 'This store does not copy objects.');
      return op('PutObject', 's3:PutObject');
    }
    if (method === 'GET') return op('GetObject', 's3:GetObject');
    if (method === 'HEAD') return op('HeadObject', 's3:GetObject');
    if (method === 'DELETE') return op('DeleteObject', 's3:DeleteObject');
  }
  throw new S3Error('MethodNotAllowed', 405, 'The specified method is not allowed against this resource.');
}
