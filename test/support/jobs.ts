import { JobRunner } from '../../src/jobs/job-runner.ts';
import type { Deps } from '../../src/deps.ts';

/**
 * Runs every job that is due now, as the background runner of `serve` would, until none is
 * left (a job may queue another). Fails the test with the first job error, so a job that
 * breaks shows as such instead of as missing mail.
 */
export async function runPendingJobs(deps: Deps): Promise<number> {
  const errors: unknown[] = [];
  const runner = new JobRunner(deps, { onJobError: (error) => errors.push(error) });
  let total = 0;
  for (;;) {
    const done = await runner.runOnce();
    if (errors.length > 0) throw errors[0];
    if (done === 0) return total;
    total += done;
  }
}
