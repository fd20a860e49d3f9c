import { CompiledQuery } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { signInsQuery } from './activity.repository.ts';

// Query plans are SQLite's: PostgreSQL chooses by table statistics, which a test database does not have.
describe('audit trail queries on sqlite', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext('sqlite');
  });
  afterAll(() => t.close());

  it("reads a principal's own sign-ins through its index, not the whole account's trail", async () => {
    const compiled = signInsQuery(t.deps.db, '123456789012', 'AIDAEXAMPLE', 300).compile();
    const plan = await t.deps.db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${compiled.sql}`, [...compiled.parameters]),
    );
    expect(plan.rows.map((r) => r.detail).join('\n')).toMatch(
      /USING INDEX audit_events_actor_seq \(account_id=\? AND actor_id=\?\)/,
    );
    // Written into the SQL: a bound LIMIT would have SQLite plan the query again on every page view.
    expect(compiled.sql).toMatch(/ limit 300$/);
  });
});
