import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DIALECTS } from '../support/databases.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** `npm run bench -- <args>`, as Node with tsx's loader runs it; its standard output. */
function bench(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'bench/bench.ts', ...args],
      { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
    );
  });
}

interface BenchRow {
  scenario: string;
  served: boolean;
  notServed: string | null;
  instances: number;
  perSecond: number;
  serverCpuMsPerRequest: number;
  timesFloor: number | null;
  ofBareHash: number | null;
  overOpenStoreMs: number | null;
  guardMedianMs: number | null;
  errors: number;
  unexpected: number;
  firstError: string | null;
}

/**
 * The benchmark end to end, about a second a row, for its shape and its honesty (every row served
 * without an error, each judged against the floor), never for its figures: speed is what the
 * benchmark shows, not what a test asserts.
 */
describe('npm run bench', () => {
  it('runs the floor, a sign-in and the session checks on seeded users and reports them as JSON', async () => {
    const report = JSON.parse(
      await bench([
        '--duration',
        '1',
        '--warmup',
        '0',
        '--connections',
        '2',
        '--users',
        '100',
        '--scenario',
        'signin-ok,session,session-api',
        '--json',
      ]),
    ) as { users: unknown; machine: { database: string; instances: number }; rows: BenchRow[] };

    expect(report.users).toEqual({ count: 100, accounts: 1, seedMs: expect.any(Number) });
    expect(report.machine).toMatchObject({ database: 'SQLite (file, WAL)', instances: 1 });
    // The floor runs with any HTTP row, first.
    expect(report.rows.map((r) => r.scenario)).toEqual(['floor', 'signin-ok', 'session', 'session-api']);
    const [floor, signIn, session, sessionApi] = report.rows as [BenchRow, BenchRow, BenchRow, BenchRow];
    expect(floor).toMatchObject({ served: true, timesFloor: 1, ofBareHash: null });
    // This build serves the session endpoint (src/sessions/session-api.routes.ts): its row is measured like the others.
    for (const row of [floor, signIn, session, sessionApi]) {
      expect(row, row.scenario).toMatchObject({
        served: true,
        notServed: null,
        errors: 0,
        unexpected: 0,
        firstError: null,
      });
      expect(row.perSecond, row.scenario).toBeGreaterThan(0);
      expect(row.serverCpuMsPerRequest, row.scenario).toBeGreaterThan(0);
      expect(row.timesFloor, row.scenario).toBeGreaterThan(0);
    }
    // Without a hash row there is no bare rate to compare a sign-in with.
    expect(signIn.ofBareHash).toBeNull();
  }, 60_000);

  it.each(DIALECTS)(
    'runs the authorization API and the example store guarded and open, and says what the middleware costs, on %s',
    async (dialect) => {
      const report = JSON.parse(
        await bench([
          '--duration',
          '1',
          '--warmup',
          '1',
          '--connections',
          '2',
          '--database',
          dialect,
          '--scenario',
          'authorize,authorize-batch,store-get-guarded,store-get-open',
          '--json',
        ]),
      ) as { rows: BenchRow[] };

      expect(report.rows.map((r) => r.scenario)).toEqual([
        'floor',
        'authorize',
        'authorize-batch',
        'store-get-guarded',
        'store-get-open',
      ]);
      const [, authorize, batch, guarded, open] = report.rows as [BenchRow, BenchRow, BenchRow, BenchRow, BenchRow];
      // Every answer was the expected one: Allow from the API (16 of them a call in batches), the object's bytes from both stores.
      for (const row of [authorize, batch, guarded, open]) {
        expect(row, row.scenario).toMatchObject({ served: true, errors: 0, unexpected: 0, firstError: null });
        expect(row.perSecond, row.scenario).toBeGreaterThan(0);
        expect(row.serverCpuMsPerRequest, row.scenario).toBeGreaterThan(0);
      }
      // The store rows watch the store's own process: the middleware's cost is the difference.
      expect(guarded.overOpenStoreMs).toBeCloseTo(guarded.serverCpuMsPerRequest - open.serverCpuMsPerRequest, 9);
      expect(open.overOpenStoreMs).toBeNull();
      // The guard's own work is timed inside the guarded store, and only there.
      expect(guarded.guardMedianMs).toBeGreaterThan(0);
      expect(open.guardMedianMs).toBeNull();
      expect(authorize.guardMedianMs).toBeNull();
      expect(authorize.overOpenStoreMs).toBeNull();
    },
    120_000,
  );
});
