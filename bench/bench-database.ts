import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { DialectName } from '../src/db/database.ts';

/** The database a benchmark run serves from, created for the run and removed after it. */
export interface BenchDatabase {
  dialect: DialectName;
  /** `DATABASE_URL` for every server process of the run. */
  url: string;
  /** For the report: `SQLite (file, WAL)` or `PostgreSQL 16.4 (schema …)`. */
  label: string;
  drop(): Promise<void>;
}

/**
 * A fresh SQLite file in a temp dir, or a fresh schema in the PostgreSQL database at `postgresUrl`
 * (every process of the run reaches it through `search_path` in the URL's `options`).
 */
export async function createBenchDatabase(dialect: DialectName, postgresUrl?: string): Promise<BenchDatabase> {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'gatehouse-bench-'));
    return {
      dialect,
      url: `sqlite:${join(dir, 'gatehouse.db')}`,
      label: 'SQLite (file, WAL)',
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  if (!postgresUrl) throw new Error('a PostgreSQL benchmark needs --database-url or TEST_DATABASE_URL');
  const schema = `gatehouse_bench_${randomBytes(6).toString('hex')}`;
  const version = await withClient(postgresUrl, async (client) => {
    const { rows } = await client.query<{ server_version: string }>('show server_version');
    await client.query(`create schema ${client.escapeIdentifier(schema)}`);
    return rows[0]?.server_version.split(' ')[0] ?? '?';
  });
  const url = new URL(postgresUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return {
    dialect,
    url: url.toString(),
    label: `PostgreSQL ${version} (schema ${schema})`,
    drop: () =>
      withClient(postgresUrl, async (client) => {
        await client.query(`drop schema if exists ${client.escapeIdentifier(schema)} cascade`);
      }),
  };
}

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
