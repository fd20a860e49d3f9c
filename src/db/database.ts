import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import SQLite from 'better-sqlite3';
import { Kysely, PostgresDialect, SqliteDialect, type SqliteDatabase, type Transaction } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';

/** A handle on the database, inside or outside a transaction. Only repositories use it. */
export type Db = Kysely<Database> | Transaction<Database>;

/**
 * Work a caller adds to the transaction in which a service records its outcome, so both
 * commit or neither does (the job runner deletes its job row this way).
 */
export type Finish = (tx: Db) => Promise<void>;

export const NOTHING_MORE: Finish = async () => {};

export type DialectName = 'sqlite' | 'postgres';

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: DialectName;
  close(): Promise<void>;
}

/**
 * Opens `sqlite:<path>` (`sqlite::memory:` for a private in-memory database) or
 * `postgres://…`. The dialect differences Gatehouse has live here and in the
 * migrations' column types, nowhere else.
 */
export function openDatabase(url: string, options: { schema?: string; serialPlans?: boolean } = {}): DatabaseHandle {
  if (url.startsWith('sqlite:')) {
    const path = url.slice('sqlite:'.length);
    if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
    const sqlite = new SQLite(path);
    sqlite.pragma('journal_mode = WAL');
    sqlite.pragma('synchronous = NORMAL');
    sqlite.pragma('foreign_keys = ON');
    sqlite.pragma('busy_timeout = 5000');
    const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
    return { db, dialect: 'sqlite', close: () => db.destroy() };
  }
  const pool = new pg.Pool({
    connectionString: url,
    max: 10,
    // Fail fast when the pool is exhausted instead of waiting forever (pg's default).
    connectionTimeoutMillis: 5_000,
    ...(options.schema || options.serialPlans ? { options: pgOptions(options) } : {}),
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}

/**
 * `search_path` for a schema of one's own; `serialPlans` turns off parallel query plans, for
 * tests that create and drop schemas while others read the catalog: a parallel worker of a
 * catalog query fails when a schema it saw is dropped under it.
 */
function pgOptions(options: { schema?: string; serialPlans?: boolean }): string {
  return [
    options.schema ? `-c search_path=${options.schema}` : '',
    options.serialPlans ? '-c max_parallel_workers_per_gather=0' : '',
  ]
    .filter(Boolean)
    .join(' ');
}

/**
 * Kysely prepares every query anew; preparing costs about twice as much as running a
 * small query on better-sqlite3. Statements are reused per SQL text (bounded, oldest
 * dropped first); Kysely's single-connection mutex means no two uses overlap.
 *
 * Transactions begin IMMEDIATE: with several processes on one file (`serve --workers`,
 * the CLI beside a server), a deferred transaction that reads and then writes fails at
 * once with SQLITE_BUSY when another process wrote meanwhile; an immediate one takes the
 * write lock first and waits its turn (busy_timeout).
 */
function withStatementCache(sqlite: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SQLite.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sqlText: string) {
      const text = sqlText === 'begin' ? 'begin immediate' : sqlText;
      let statement = cache.get(text);
      if (statement) {
        cache.delete(text);
      } else {
        statement = sqlite.prepare(text);
        if (cache.size >= STATEMENT_CACHE_SIZE) cache.delete(cache.keys().next().value!);
      }
      cache.set(text, statement);
      return statement;
    },
  };
}

const STATEMENT_CACHE_SIZE = 500;

/** True when `error` is a unique-constraint violation on either database. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string } | null;
  return e?.code === '23505' || e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}
