import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { TestProject } from 'vitest/node';
import { buildCli } from './cli-build.ts';
import { type SchemaStatement, dropSchemas, recordMigration } from './postgres-schema.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The CLI compiled once for this run (test/support/cli-build.ts). */
    gatehouseCli: string;
    /** What the migrator ran on a fresh PostgreSQL schema (empty without TEST_DATABASE_URL). */
    postgresMigration: SchemaStatement[];
    /** How this run's PostgreSQL test schemas are named: dropped together when the run ends. */
    postgresSchemaPrefix: string;
  }
}

/**
 * Says once, loudly, when the PostgreSQL suites will be skipped; records the migration the
 * PostgreSQL test schemas replay, and drops those schemas at the end; compiles the CLI the tests start.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const url = process.env.TEST_DATABASE_URL;
  const prefix = `t_${randomBytes(4).toString('hex')}_`;
  project.provide('postgresMigration', url ? await recordMigration(url) : []);
  project.provide('postgresSchemaPrefix', prefix);
  if (!url) {
    process.stdout.write(
      '\n[gatehouse tests] TEST_DATABASE_URL is not set: PostgreSQL suites are SKIPPED. ' +
        'Set it (e.g. postgres://postgres@127.0.0.1:5432/test) to run them; CI always does.\n\n',
    );
  }
  const cli = await buildCli(fileURLToPath(new URL('../..', import.meta.url)));
  project.provide('gatehouseCli', cli.file);
  return async () => {
    cli.remove();
    if (url) await dropSchemas(url, prefix);
  };
}
