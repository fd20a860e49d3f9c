import { generateCredentialReport } from '../../credential-report/credential-report.service.ts';
import { defineAction } from '../action.ts';

/** GenerateCredentialReport() → State (STARTED when a new report was made, COMPLETE when a recent one is reused), Description. */
export const GenerateCredentialReport = defineAction({
  name: 'GenerateCredentialReport',
  service: 'iam',
  permission: 'iam:GenerateCredentialReport',
  params: {},
  resource: () => '*',
  async run(ctx) {
    const state = await generateCredentialReport(ctx.deps, ctx.caller.principal.accountId);
    return state === 'STARTED'
      ? { State: state, Description: 'No report exists. Starting a new report generation task' }
      : { State: state };
  },
});
