import { getCredentialReport } from '../../credential-report/credential-report.service.ts';
import { defineAction } from '../action.ts';
import { awsTime } from '../xml.ts';

/** GetCredentialReport() → Content (base64 CSV), ReportFormat `text/csv`, GeneratedTime; ReportNotPresent / ReportExpired (410). */
export const GetCredentialReport = defineAction({
  name: 'GetCredentialReport',
  service: 'iam',
  permission: 'iam:GetCredentialReport',
  params: {},
  resource: () => '*',
  async run(ctx) {
    const report = await getCredentialReport(ctx.deps, ctx.caller.principal.accountId);
    return {
      Content: Buffer.from(report.content, 'utf8').toString('base64'),
      ReportFormat: 'text/csv',
      GeneratedTime: awsTime(report.generatedAt),
    };
  },
});
