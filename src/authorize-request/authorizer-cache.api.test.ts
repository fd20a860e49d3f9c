import type { Authorizer } from '@gatehouse/authorizer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AwsCredentials } from '../../test/support/aws-clients.ts';
import { receivedGet, serviceAuthorizer, userWithKey } from '../../test/support/authorizer-service.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount } from '../../test/support/fixtures.ts';
import { type TestContext, createTestContext } from '../../test/support/harness.ts';
import { listen } from '../../test/support/listen.ts';

/** The package's caches against a real Gatehouse: what it reuses must be what Gatehouse would answer again. */
describe.each(DIALECTS)('@gatehouse/authorizer reuses keys and decisions, on %s', (dialect) => {
  let t: TestContext;
  let authorizer: Authorizer;
  let reader: AwsCredentials;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    const account = await makeAccount(t.deps);
    authorizer = await serviceAuthorizer(t, await listen(t.app), account.id);
    reader = await userWithKey(t, account.id, 'reader', [
      {
        Effect: 'Allow',
        Action: 'notes:GetNote',
        Resource: '*',
        Condition: { StringEquals: { 'aws:RequestedRegion': 'eu-west-1' } },
      },
    ]);
  });
  afterAll(async () => {
    await t.close();
  });

  /** How many decisions Gatehouse has made: each question the package asks is counted once. */
  async function decisionsMade(): Promise<number> {
    await t.deps.decisionCounts.flush();
    const rows = await t.deps.db.selectFrom('authorization_counts').select('count').execute();
    return rows.reduce((sum, row) => sum + Number(row.count), 0);
  }

  /** A GET of `/notes/1` signed by the reader for `region`, as the service receives it. */
  const received = (region: string) => receivedGet(t, reader, '/notes/1', region);

  it('keeps a decision per credential scope: a region the policy refuses never reuses the Allow of one it accepts', async () => {
    const intent = { action: 'notes:GetNote', resource: 'arn:aws:notes:::note/1' };
    const allowedOf = async (region: string) =>
      (await authorizer.verifyAndAuthorize(await received(region), intent)).allowed;
    expect(await allowedOf('eu-west-1')).toBe(true);
    expect(await allowedOf('us-east-1')).toBe(false);
    expect(await decisionsMade()).toBe(2);
    // Both keys and both decisions are kept now: each region is answered from its own, without asking again.
    expect(await allowedOf('eu-west-1')).toBe(true);
    expect(await allowedOf('us-east-1')).toBe(false);
    expect(await decisionsMade()).toBe(2);
  });
});
