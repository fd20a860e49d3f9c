import type { FastifyInstance } from 'fastify';
import { permission } from '../authz/console-access.ts';
import { wholeAccount } from '../authz/console-resources.ts';
import { pageRoutes } from '../web/page-route.ts';
import type { WebContext } from '../web/web-context.ts';
import { buildCredentialReport } from './credential-report.service.ts';

/** The Query API's permission for the same report. */
const CREDENTIAL_REPORT = permission({ action: 'iam:GetCredentialReport', resource: wholeAccount });

/** The console download of the credential report: built fresh, the same CSV as GetCredentialReport. */
export async function credentialReportRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);
  pages.get('/console/credential-report.csv', { access: CREDENTIAL_REPORT }, async (p) => {
    const { accountId } = p.who.principal;
    const csv = await buildCredentialReport(p.deps, accountId);
    return p.reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="credential-report-${accountId}.csv"`)
      .send(csv);
  });
}
