import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients, keyFor } from '../../test/support/aws-clients.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { TEST_SECRET_KEY, type TestContext, createTestContext } from '../../test/support/harness.ts';
import { listen } from '../../test/support/listen.ts';
import { StatementRecorder } from '../../test/support/statements.ts';
import { buildApp } from '../app.ts';
import type { Deps } from '../deps.ts';
import { buildDeps } from '../runtime.ts';

/**
 * What a signed GetCallerIdentity asks of the database: the access key and its principal in
 * one query (the key's last use is written at most once per 15 minutes, as AWS records it).
 */
describe.each(DIALECTS)('the statements of a signed GetCallerIdentity on %s', (dialect) => {
  let t: TestContext;
  let deps: Deps;
  let recorder: StatementRecorder;
  let app: FastifyInstance;
  let endpoint: string;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    // The SDK takes the server's Date header for the time: the frozen clock is set to now, in whole seconds.
    t.clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    recorder = new StatementRecorder();
    deps = {
      ...buildDeps(t.config, { db: t.deps.db.withPlugin(recorder), dialect }, TEST_SECRET_KEY, t.clock),
      hasher: t.deps.hasher,
    };
    app = await buildApp(t.config, deps, { logger: false });
    endpoint = await listen(app);
    await deps.invalidations.stop();
  });
  afterAll(async () => {
    await app.close();
    await t.close();
  });

  it('one query for an IAM user’s key, and for the root user’s', async () => {
    const account = await makeAccount(t.deps);
    const user = await makeUser(t.deps, account.id, 'caller');
    for (const owner of [
      { accountId: account.id, principalId: user.id, userName: 'caller' },
      { accountId: account.id, principalId: account.id, userName: null },
    ]) {
      const { sts } = awsClients(t, endpoint, await keyFor(t, owner));
      recorder.start();
      const first = await sts.send(new GetCallerIdentityCommand({}));
      expect(recorder.stop()).toEqual([
        'SelectQueryNode(access_keys,accounts,root_users,users)',
        // The key's first use is recorded.
        'UpdateQueryNode(access_keys)',
      ]);
      recorder.start();
      const again = await sts.send(new GetCallerIdentityCommand({}));
      expect(recorder.stop()).toEqual(['SelectQueryNode(access_keys,accounts,root_users,users)']);
      expect(again.Arn).toBe(first.Arn);
      expect(again.Arn).toBe(
        owner.userName ? `arn:aws:iam::${account.id}:user/caller` : `arn:aws:iam::${account.id}:root`,
      );
    }
  });
});
