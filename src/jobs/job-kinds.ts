import { type DiagnosisRequest, diagnoseSignIn } from '../doctor/doctor.service.ts';
import { askAdministrator } from '../recovery/help-request.service.ts';
import { requestAccountReminder, requestPasswordReset } from '../recovery/recovery.service.ts';
import type { Deps } from '../deps.ts';
import { type JobKind, type JobRun, UnusableJob } from './job.service.ts';

export type JobHandler = (deps: Deps, input: unknown, run: JobRun) => Promise<void>;

function text(input: unknown, key: string): string {
  const value = typeof input === 'object' && input !== null ? (input as Record<string, unknown>)[key] : undefined;
  if (typeof value !== 'string') throw new UnusableJob(`the job's input has no ${key}`);
  return value;
}

function diagnosisRequest(input: unknown): DiagnosisRequest {
  const kind = text(input, 'kind');
  if (kind === 'root') return { kind, email: text(input, 'email') };
  if (kind === 'user') return { kind, accountRef: text(input, 'accountRef'), userName: text(input, 'userName') };
  throw new UnusableJob('the job asks for an unknown kind of diagnosis');
}

/** What each kind of job does: the work its form used to do itself, now away from the request. */
export const JOB_HANDLERS: Record<JobKind, JobHandler> = {
  'sign-in-diagnosis': (deps, input, run) => diagnoseSignIn(deps, diagnosisRequest(input), run.meta, run.finish),
  'password-reset-request': (deps, input, run) =>
    requestPasswordReset(deps, text(input, 'email'), run.meta, run.finish),
  'account-reminder': (deps, input, run) => requestAccountReminder(deps, text(input, 'email'), run.meta, run.finish),
  'password-help-request': (deps, input, run) =>
    askAdministrator(
      deps,
      { accountRef: text(input, 'accountRef'), userName: text(input, 'userName') },
      run.meta,
      run.finish,
    ),
};
