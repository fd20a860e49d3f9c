import { type Authorizer, receivedRequest } from '@gatehouse/authorizer';
import { S3Error } from './s3-requests.ts';
import type { StoreGuard } from './s3-store.ts';

/** The store guarded by Gatehouse: every request is signed by Gatehouse credentials and decided by Gatehouse policies. */
export function gatehouseGuard(authorizer: Authorizer): StoreGuard {
  return {
    async authorize(req, op) {
      const verdict = await authorizer.verifyAndAuthorize(receivedRequest(req), {
        action: op.action,
        resource: op.resource,
        context: op.context,
      });
      return verdict.allowed
        ? { allowed: true, chunkSigner: verdict.chunkSigner }
        : { allowed: false, error: new S3Error(verdict.code, verdict.status, verdict.message) };
    },
  };
}
