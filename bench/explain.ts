import { createAccessKey, resolveKeyOwner } from '../src/access-keys/access-key.service.ts';
import { findAccountByRef } from '../src/identities/account.repository.ts';
import { buildApp } from '../src/app.ts';
import { CLI_ACTOR, SYSTEM_META } from '../src/audit/audit.service.ts';
import { buildDeps } from '../src/runtime.ts';
import { systemClock } from '../src/shared/clock.ts';
import { type StatementPlan, StatementCapture, explainHotPaths, hotPathStatements } from './query-plans.ts';
import { BENCH_PASSWORD } from './scenario.ts';
import { seededUser } from './scenarios.ts';
import type { BenchServer } from './server.ts';

export interface HotPathPlans {
  /** Users `--users` seeded before the plans were read (0: the benchmark account's few only). */
  seededUsers: number;
  paths: Array<{ name: string; plans: StatementPlan[] }>;
}

/**
 * `--explain`: the plans the database chooses, at the size the run seeded, for the statements the
 * hot paths run. They are captured from a copy of the app on the run's database (its services
 * built on a Kysely that records what it runs), driven through inject by one user: a seeded
 * one picked at random, or one of the benchmark account's.
 */
export async function explainAtScale(server: BenchServer): Promise<HotPathPlans> {
  const { config, runtime, target, seeded } = server;
  const { db, capture } = StatementCapture.on(runtime.database.db);
  const deps = buildDeps(config, { db, dialect: runtime.database.dialect }, config.secretKey!, systemClock);
  const app = await buildApp(config, deps, { logger: false });
  try {
    let user: { accountRef: string; userName: string };
    let accountId: string;
    if (seeded) {
      user = seededUser(seeded, Math.floor(Math.random() * seeded.count));
      accountId = user.accountRef;
    } else {
      const [userName] = await target.createUsers('explain', 1, BENCH_PASSWORD);
      user = { accountRef: target.accountRef, userName: userName! };
      accountId = (await findAccountByRef(runtime.deps.db, target.accountRef))!.id;
    }
    const key = await createAccessKey(
      runtime.deps,
      await resolveKeyOwner(runtime.deps.db, accountId, user.userName),
      CLI_ACTOR,
      SYSTEM_META,
    );
    const paths = await hotPathStatements(app, capture, {
      ...user,
      password: BENCH_PASSWORD,
      credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
    });
    return {
      seededUsers: seeded?.count ?? 0,
      paths: await explainHotPaths(runtime.database.db, runtime.database.dialect, paths),
    };
  } finally {
    await app.close();
    await deps.guard.close();
  }
}
