import { MINUTE } from '../shared/clock.ts';
import type { Deps } from '../deps.ts';
import { Poller } from '../shared/poller.ts';
import { randomBase32 } from '../shared/secrets.ts';
import { type JobHandler, JOB_HANDLERS } from './job-kinds.ts';
import { claimJob, deleteClaimedJob, dueJobIds, findJob, releaseFailedJob } from './job.repository.ts';
import { type JobKind, JobTakenOver, UnusableJob, openJobPayload } from './job.service.ts';

export interface JobRunnerOptions {
  /** How long a claim holds before another instance may take the job over. */
  leaseMs?: number;
  /** Jobs claimed per pass. */
  batchSize?: number;
  /** Attempts before a job fails for good (its payload erased). */
  maxAttempts?: number;
  /** Pause between passes when `start`ed. */
  pollMs?: number;
  /** Told of each failed attempt: the job's id and kind, never its payload. */
  onJobError?: (error: unknown, job: { id: string; kind: string; attempt: number }) => void;
  handlers?: Record<string, JobHandler>;
}

export const JOB_LEASE_MS = 5 * MINUTE;
export const JOB_MAX_ATTEMPTS = 5;

/** Back-off after the n-th failed attempt: 10 s, 20 s, 40 s … capped at 10 minutes. */
export function jobRetryDelayMs(attempt: number): number {
  return Math.min(10_000 * 2 ** Math.max(0, attempt - 1), 10 * MINUTE);
}

/**
 * Runs the jobs forms leave behind (see `enqueueJob`). Each pass claims due jobs one by one
 * with a conditional UPDATE, so any number of instances sharing the database each run a
 * given job once; a claim that outlives its lease (the instance died) is taken over. A job's
 * row is deleted in the transaction that records its outcome; a failed attempt is retried
 * with back-off, and after the last one the job is marked failed and its payload erased.
 */
export class JobRunner {
  readonly owner = randomBase32(10);
  readonly #leaseMs: number;
  readonly #batchSize: number;
  readonly #maxAttempts: number;
  readonly #poller: Poller;
  readonly #handlers: Record<string, JobHandler>;
  readonly #onJobError: NonNullable<JobRunnerOptions['onJobError']>;

  constructor(
    readonly deps: Deps,
    options: JobRunnerOptions = {},
  ) {
    this.#leaseMs = options.leaseMs ?? JOB_LEASE_MS;
    this.#batchSize = options.batchSize ?? 20;
    this.#maxAttempts = options.maxAttempts ?? JOB_MAX_ATTEMPTS;
    this.#poller = new Poller(() => this.runOnce(), options.pollMs ?? 1_000);
    this.#handlers = options.handlers ?? JOB_HANDLERS;
    this.#onJobError = options.onJobError ?? (() => {});
  }

  /** One pass over what is due now; returns how many jobs were done. */
  async runOnce(): Promise<number> {
    const ids = await dueJobIds(this.deps.db, this.deps.clock.now().toISOString(), this.#batchSize);
    let done = 0;
    for (const id of ids) if (await this.#runJob(id)) done++;
    return done;
  }

  async #runJob(id: string): Promise<boolean> {
    const claimedAt = this.deps.clock.now();
    const leaseUntil = new Date(claimedAt.getTime() + this.#leaseMs).toISOString();
    if (!(await claimJob(this.deps.db, id, this.owner, claimedAt.toISOString(), leaseUntil))) return false;
    const job = await findJob(this.deps.db, id);
    if (!job || job.leaseOwner !== this.owner) return false;
    try {
      const handler = this.#handlers[job.kind as JobKind];
      if (!handler) throw new UnusableJob(`no handler for jobs of kind ${job.kind}`);
      const payload = openJobPayload(this.deps, job);
      if (!payload) throw new UnusableJob('the job payload is gone or no key opens it');
      let finished = false;
      await handler(this.deps, payload.input, {
        meta: payload.meta,
        finish: async (tx) => {
          if (!(await deleteClaimedJob(tx, id, this.owner))) throw new JobTakenOver();
          finished = true;
        },
      });
      // A handler that wrote nothing (so had no transaction to finish in) is done all the same.
      if (!finished && !(await deleteClaimedJob(this.deps.db, id, this.owner))) return false;
      return true;
    } catch (error) {
      if (error instanceof JobTakenOver) return false;
      this.#onJobError(error, { id, kind: job.kind, attempt: job.attempts });
      const final = error instanceof UnusableJob || job.attempts >= this.#maxAttempts;
      const now = this.deps.clock.now();
      await releaseFailedJob(this.deps.db, id, this.owner, {
        error: errorClass(error),
        nextAttemptAt: new Date(now.getTime() + jobRetryDelayMs(job.attempts)).toISOString(),
        final,
      });
      return false;
    }
  }

  /** Runs passes in the background until `stop`. A failing pass (database down) is retried next time. */
  start(onError: (error: unknown) => void = () => {}): void {
    this.#poller.start(onError);
  }

  /** Stops polling and waits for the pass in progress. */
  async stop(): Promise<void> {
    await this.#poller.stop();
  }
}

/** What `last_error` keeps: the error's code or class, never its message (it may quote what was typed). */
function errorClass(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  return error instanceof Error ? error.name : 'Error';
}

/** The runner `serve` starts beside the mail sender, in the one process that does background work. */
export function startJobs(deps: Deps, log: { error(object: object, message: string): void }): JobRunner {
  const runner = new JobRunner(deps, {
    onJobError: (error, job) => log.error({ err: error, job }, 'a background job failed'),
  });
  runner.start((error) => log.error({ err: error }, 'job pass failed'));
  return runner;
}
