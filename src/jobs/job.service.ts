import type { RequestMeta } from '../audit/audit.service.ts';
import type { Finish } from '../db/database.ts';
import type { DiagnosisRequest } from '../doctor/doctor.service.ts';
import type { HelpRequestInput } from '../recovery/help-request.service.ts';
import type { Deps } from '../deps.ts';
import type { SecretBox } from '../shared/encryption.ts';
import { newRowId } from '../shared/ids.ts';
import { insertJob } from './job.repository.ts';

/**
 * Work a form leaves for the background job runner, with what the form held. These are the
 * forms that must not reveal whether an account exists: how much work they cause depends on
 * it, so none of it may run while the request is being answered (it would slow the next
 * request on the same event loop, a timing oracle).
 */
export type Job =
  | { kind: 'sign-in-diagnosis'; input: DiagnosisRequest }
  | { kind: 'password-reset-request'; input: { email: string } }
  | { kind: 'account-reminder'; input: { email: string } }
  | { kind: 'password-help-request'; input: HelpRequestInput };

export type JobKind = Job['kind'];

/** What a handler gets besides the job's input. */
export interface JobRun {
  /** Where the request came from, for the audit trail and the mail. */
  meta: RequestMeta;
  /**
   * Deletes the job row inside the caller's transaction, so the work and its completion
   * commit together: a runner that dies before the commit leaves the job to be run again,
   * never done twice. Throws `JobTakenOver` when the claim was lost (the transaction then
   * rolls back and the runner that holds the job does it).
   */
  finish: Finish;
}

export class JobTakenOver extends Error {
  constructor() {
    super('another runner took the job over');
  }
}

/** The job's input is not what its kind expects (e.g. written by another version): it fails at once, without retries. */
export class UnusableJob extends Error {}

function payloadBox(deps: Pick<Deps, 'keyring'>): SecretBox {
  return deps.keyring.box('job-payload');
}

/**
 * Queues a job: one INSERT whose statement and columns are the same whatever the input
 * names. The payload (what was typed, and where the request came from) is sealed, since
 * people type passwords into user-name fields.
 */
export async function enqueueJob(deps: Deps, job: Job, meta: RequestMeta): Promise<void> {
  const id = newRowId(deps.clock.now());
  const payloadSealed = payloadBox(deps).seal(JSON.stringify({ input: job.input, meta }), id);
  await insertJob(deps.db, { id, kind: job.kind, payloadSealed, createdAt: deps.clock.now().toISOString() });
}

/** The input and request facts of a job; null when the payload is gone or no key opens it. */
export function openJobPayload(
  deps: Deps,
  job: { id: string; payloadSealed: string | null },
): { input: unknown; meta: RequestMeta } | null {
  if (job.payloadSealed === null) return null;
  const text = payloadBox(deps).open(job.payloadSealed, job.id);
  if (text === null) return null;
  const parsed = JSON.parse(text) as { input?: unknown; meta?: Partial<RequestMeta> };
  const meta = parsed.meta ?? {};
  return {
    input: parsed.input,
    meta: {
      ip: String(meta.ip ?? ''),
      userAgent: String(meta.userAgent ?? ''),
      requestId: String(meta.requestId ?? ''),
    },
  };
}
