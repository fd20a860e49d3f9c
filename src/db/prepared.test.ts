import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS, type TestDatabase, createTestDatabase } from '../../test/support/databases.ts';
import { StatementRecorder } from '../../test/support/statements.ts';
import { prepared, sqlLimit } from './prepared.ts';

const insertSetting = prepared((db, name: string, value: string, at: string) =>
  db.insertInto('instance_settings').values({ name, value, updated_at: at }),
);
const settingsNamed = prepared((db, first: string, second: string) =>
  db
    .selectFrom('instance_settings')
    .select(['name', 'value'])
    .where((eb) => eb.or([eb('name', '=', first), eb('name', '=', second)]))
    .where('value', '!=', 'hidden')
    .orderBy('name'),
);
const renameSetting = prepared((db, name: string, value: string) =>
  db
    .updateTable('instance_settings')
    .set({ value: sql<string>`${value} || '!'` })
    .where('name', '=', name),
);

describe.each(DIALECTS)('prepared queries on %s', (dialect) => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase(dialect);
  });
  afterAll(() => database.close());

  it('bind each call’s arguments into the SQL compiled once, constants kept', async () => {
    const { db } = database.handle;
    await insertSetting(db, 'a', 'one', 'now');
    await insertSetting(db, 'b', 'two', 'now');
    await insertSetting(db, 'c', 'hidden', 'now');
    expect((await settingsNamed(db, 'a', 'b')).rows).toEqual([
      { name: 'a', value: 'one' },
      { name: 'b', value: 'two' },
    ]);
    expect((await settingsNamed(db, 'c', 'b')).rows).toEqual([{ name: 'b', value: 'two' }]);
    const updated = await renameSetting(db, 'a', 'uno');
    expect(Number(updated.numAffectedRows)).toBe(1);
    expect((await settingsNamed(db, 'a', 'zzz')).rows).toEqual([{ name: 'a', value: 'uno!' }]);
  });

  it('run inside a transaction and roll back with it', async () => {
    const { db } = database.handle;
    await expect(
      db.transaction().execute(async (tx) => {
        await insertSetting(tx, 'in-tx', 'x', 'now');
        expect((await settingsNamed(tx, 'in-tx', 'in-tx')).rows).toHaveLength(1);
        throw new Error('roll back');
      }),
    ).rejects.toThrow('roll back');
    expect((await settingsNamed(db, 'in-tx', 'in-tx')).rows).toEqual([]);
  });

  it('are seen by plugins as any query is (the statement recorder counts them)', async () => {
    const recorder = new StatementRecorder();
    const recorded = database.handle.db.withPlugin(recorder);
    recorder.start();
    await settingsNamed(recorded, 'a', 'b');
    await renameSetting(recorded, 'b', 'dos');
    expect(recorder.stop()).toEqual(['SelectQueryNode(instance_settings)', 'UpdateQueryNode(instance_settings)']);
  });

  it('write a fixed LIMIT into the SQL, not as a parameter (SQLite plans a bound one again on every run)', async () => {
    const { db } = database.handle;
    const firstTwo = prepared((db, value: string) =>
      db.selectFrom('instance_settings').select('name').where('value', '!=', value).orderBy('name').limit(sqlLimit(2)),
    );
    const compiled = db.selectFrom('instance_settings').select('name').limit(sqlLimit(2)).compile();
    expect(compiled.sql).toMatch(/ limit 2$/);
    expect(compiled.parameters).toEqual([]);
    expect((await firstTwo(db, 'hidden')).rows.map((r) => r.name)).toEqual(['a', 'b']);
    for (const bad of [-1, 1.5, Number.NaN]) expect(() => sqlLimit(bad)).toThrow(RangeError);
  });

  it('refuse a build that does not hand an argument to the SQL as a value', async () => {
    const misuse = prepared((db, name: string) =>
      db.selectFrom('instance_settings').select('value').where('name', '=', String(name)),
    );
    await expect(misuse(database.handle.db, 'a')).rejects.toThrow(/argument 0 is not a parameter/);
  });
});
