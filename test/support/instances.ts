import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../src/app.ts';
import type { DialectName } from '../../src/db/database.ts';
import { openDatabase } from '../../src/db/database.ts';
import type { Deps } from '../../src/deps.ts';
import { buildDeps } from '../../src/runtime.ts';
import { childDatabaseUrl } from './databases.ts';
import { TEST_SECRET_KEY, type TestContext, createTestContext } from './harness.ts';

/** An app with deps of its own (database connection, invalidation feed, caches), as another process would have. */
export interface Instance {
  app: FastifyInstance;
  deps: Deps;
  close(): Promise<void>;
}

/**
 * Two app instances on one database, as two processes behind a load balancer: `t` (the test
 * context, on a SQLite file or PostgreSQL) is instance A; `b` has its own connection, feed and
 * caches on the same database and clock. Neither feed polls in the background: a test polls
 * when it says so (`pollNow`), so what each cache may serve at every step is known.
 */
export async function twoInstances(
  dialect: DialectName,
): Promise<{ t: TestContext; b: Instance; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-instances-'));
  const t = await createTestContext(dialect, {}, dialect === 'sqlite' ? { sqliteFile: join(dir, 'g.db') } : {});
  const handle = openDatabase(childDatabaseUrl(t.database));
  const deps: Deps = { ...buildDeps(t.config, handle, TEST_SECRET_KEY, t.clock), hasher: t.deps.hasher };
  const app = await buildApp(t.config, deps, { logger: false });
  await app.ready();
  // Each app started its feed's background polling when it was ready.
  await t.deps.invalidations.stop();
  await deps.invalidations.stop();
  const b: Instance = {
    app,
    deps,
    close: async () => {
      await app.close();
      await deps.guard.close();
      await handle.close();
    },
  };
  return {
    t,
    b,
    close: async () => {
      await b.close();
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
