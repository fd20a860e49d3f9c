import {
  GenerateCredentialReportCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients, expectAwsError, keyFor } from '../../test/support/aws-clients.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { listen } from '../../test/support/listen.ts';
import { CREDENTIAL_REPORT_COLUMNS } from './credential-report.service.ts';

describe.each(DIALECTS)('credential report through the AWS SDK on %s', (dialect) => {
  let t: TestContext;
  let iam: IAMClient;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    t.clock.set(new Date());
    const endpoint = await listen(t.app);
    const account = await makeAccount(t.deps);
    await makeUser(t.deps, account.id, 'reporter');
    ({ iam } = awsClients(
      t,
      endpoint,
      await keyFor(t, { accountId: account.id, principalId: account.id, userName: null }),
    ));
  });
  afterAll(() => t.close());

  it('generates, then returns the CSV with the AWS header', async () => {
    await expectAwsError(iam.send(new GetCredentialReportCommand({})), 'ReportNotPresent', 410);
    const first = await iam.send(new GenerateCredentialReportCommand({}));
    expect(first.State).toBe('STARTED');
    expect((await iam.send(new GenerateCredentialReportCommand({}))).State).toBe('COMPLETE');
    const report = await iam.send(new GetCredentialReportCommand({}));
    expect(report.ReportFormat).toBe('text/csv');
    expect(report.GeneratedTime).toBeInstanceOf(Date);
    const lines = Buffer.from(report.Content!).toString('utf8').trim().split('\n');
    expect(lines[0]).toBe(CREDENTIAL_REPORT_COLUMNS.join(','));
    expect(lines.map((l) => l.split(',')[0])).toEqual(['user', '<root_account>', 'reporter']);
  });

  it('summarises the account as a SummaryMap', async () => {
    const summary = await iam.send(new GetAccountSummaryCommand({}));
    expect(summary.SummaryMap).toMatchObject({
      Users: 1,
      UsersQuota: 5000,
      AccessKeysPerUserQuota: 2,
      AccountAccessKeysPresent: 1,
      AccountMFAEnabled: 0,
    });
  });
});
