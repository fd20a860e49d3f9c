import type { TestProject } from 'vitest/node';
import { buildCli } from './cli-build.ts';
import { fileURLToPath } from 'node:url';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The CLI compiled once for this run (test/support/cli-build.ts). */
    gatehouseCli: string;
  }
}

/** Says once, loudly, when the PostgreSQL suites will be skipped; compiles the CLI the tests start. */
export default async function setup(project: TestProject): Promise<() => void> {
  if (!process.env.TEST_DATABASE_URL) {
    process.stdout.write(
      '\n[gatehouse tests] TEST_DATABASE_URL is not set: PostgreSQL suites are SKIPPED. ' +
        'Set it (e.g. postgres://postgres@127.0.0.1:5432/test) to run them; CI always does.\n\n',
    );
  }
  const cli = await buildCli(fileURLToPath(new URL('../..', import.meta.url)));
  project.provide('gatehouseCli', cli.file);
  return cli.remove;
}
