import type { FastifyInstance } from 'fastify';
import { assertConsoleAllowed } from '../authz/console-authorization.ts';
import { requireSignIn } from '../web/guard.ts';
import type { WebContext } from '../web/web-context.ts';
import { buildCredentialReport } from './credential-report.service.ts';

/** The console download of the credential report: built fresh, the same CSV as GetCredentialReport. */
export async function credentialReportRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  app.get('/console/credential-report.csv', async (request, reply) => {
    const who = await requireSignIn(web, request, reply);
    if (!who) return reply;
    await assertConsoleAllowed(web.deps, who, 'iam:GetCredentialReport', '*');
    const csv = await buildCredentialReport(web.deps, who.principal.accountId);
    return reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="credential-report-${who.principal.accountId}.csv"`)
      .send(csv);
  });
}
