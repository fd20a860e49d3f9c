import type { FastifyReply } from 'fastify';
import { remember } from '../shared/remember.ts';

const pending = new WeakMap<object, Set<Promise<void>>>();

/**
 * Runs `work` once the response has gone out, on the same event loop (the hard-stop
 * notice of a sign-in, a support case). It keeps the work out of the response, not out
 * of the next request's way: work whose amount depends on whether an account exists
 * belongs in a background job (`enqueueJob`), or it slows the next request and tells.
 * The work is keyed by `owner` (the app's deps) so tests can wait for it with
 * `settleAfterResponse`. If the process stops in between, the work is lost; nothing
 * half-written remains, since the work is one transaction.
 */
export function afterResponse(reply: FastifyReply, owner: object, work: () => Promise<void>): void {
  const set = remember(pending, owner, () => new Set<Promise<void>>());
  // A macrotask after 'finish', so even a synchronous driver (better-sqlite3) cannot
  // run any of the work before whoever awaits the response has it.
  const sent = new Promise<void>((resolve) => {
    const later = () => setImmediate(resolve);
    reply.raw.once('finish', later);
    reply.raw.once('close', later);
  });
  const job: Promise<void> = sent
    .then(work)
    .catch((error: unknown) => reply.log.error({ err: error }, 'work after the response failed'))
    .finally(() => set.delete(job));
  set.add(job);
}

/** Waits until every piece of after-response work started for `owner` has finished. */
export async function settleAfterResponse(owner: object): Promise<void> {
  const set = pending.get(owner);
  while (set && set.size > 0) await Promise.all([...set]);
}
