/**
 * Does "Why can't I sign in?" slow the request that follows it, more for an identifier that
 * exists than for one that does not? `npx tsx bench/doctor-probe.ts [--pairs 150] [--jobs off]`.
 *
 * This process serves HTTP on 127.0.0.1 (SQLite in a temp dir) and, unless `--jobs off`, runs the
 * background job runner beside it as `gatehouse serve` does with one process. A forked client
 * process (as a remote client would) sends doctor requests for known and unknown root emails in
 * random order and, as soon as each answer is in, a probe (GET /signin/help); the probe's latency
 * is what is compared. Prints medians, means and a two-sided Mann–Whitney p-value (normal
 * approximation). Challenges are rationed (one per 2 s after a burst of 60), so 150 pairs take
 * about 8 minutes. Not a test: figures vary by machine.
 */
import { BENCH_THROTTLE } from './server.ts';
import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { type Challenge, solveChallenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/pbkdf2';
import { createAccount } from '../src/accounts/account.service.ts';
import { buildApp } from '../src/app.ts';
import { CLI_ACTOR, SYSTEM_META } from '../src/audit/audit.service.ts';
import { loadConfig } from '../src/config/config.ts';
import { openDatabase } from '../src/db/database.ts';
import { migrateOrThrow } from '../src/db/migrate.ts';
import { buildDeps } from '../src/runtime.ts';
import { systemClock } from '../src/shared/clock.ts';
import { signInRoot } from '../src/signin/signin.service.ts';
import { createUser } from '../src/users/user.service.ts';
import { HttpConnection, type HttpResponse, cookieHeader, cookiesFrom } from './http-client.ts';

const { values: args } = parseArgs({
  options: {
    pairs: { type: 'string', default: '150' },
    jobs: { type: 'string', default: 'on' },
    client: { type: 'string' },
  },
});
const PAIRS = Number(args.pairs);

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

/** Two-sided p-value of the Mann–Whitney U test, normal approximation with tie correction. */
function mannWhitneyP(a: number[], b: number[]): number {
  const all = [...a.map((v) => ({ v, g: 0 })), ...b.map((v) => ({ v, g: 1 }))].sort((x, y) => x.v - y.v);
  const ranks = new Array<number>(all.length);
  let tieTerm = 0;
  for (let i = 0; i < all.length; ) {
    let j = i;
    while (j + 1 < all.length && all[j + 1]!.v === all[i]!.v) j++;
    for (let k = i; k <= j; k++) ranks[k] = (i + j) / 2 + 1;
    const t = j - i + 1;
    tieTerm += t ** 3 - t;
    i = j + 1;
  }
  const n1 = a.length;
  const n2 = b.length;
  const r1 = all.reduce((sum, x, i) => sum + (x.g === 0 ? ranks[i]! : 0), 0);
  const u = r1 - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  const z = (u - (n1 * n2) / 2) / sigma;
  // erfc by Abramowitz–Stegun 7.1.26.
  const x = Math.abs(z) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * x);
  const erfc =
    t *
    (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) *
    Math.exp(-x * x);
  return erfc;
}

const median = (values: number[]) => {
  const s = [...values].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const mean = (values: number[]) => values.reduce((x, y) => x + y, 0) / values.length;

interface ClientTask {
  base: string;
  known: string[];
  pairs: number;
}

/** The client process: pairs of (doctor request, probe), the probe timed. */
async function client(task: ClientTask): Promise<{ known: number[]; unknown: number[] }> {
  const connection = new HttpConnection(task.base);
  const cookies = new Map<string, string>();
  const send = async (method: 'GET' | 'POST', path: string, body?: string): Promise<HttpResponse> => {
    const response = await connection.send({
      method,
      path,
      headers: {
        cookie: cookieHeader(cookies),
        origin: task.base,
        ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
      },
      ...(body ? { body } : {}),
    });
    for (const [k, v] of cookiesFrom(response)) cookies.set(k, v);
    return response;
  };
  const latencies = { known: [] as number[], unknown: [] as number[] };
  const order = Array.from(
    { length: task.pairs * 2 },
    (_, i) => (i % 2 === 0 ? 'known' : 'unknown') as 'known' | 'unknown',
  ).sort(() => Math.random() - 0.5);
  let knownUsed = 0;
  for (const [i, side] of order.entries()) {
    const form = await send('GET', '/signin/help/diagnose');
    const csrf = /name="_csrf" value="([0-9a-f]{64})"/.exec(form.body)![1]!;
    let fetched = await send('GET', '/security-check/challenge');
    // Challenges are rationed per address (a burst, then one every 2 s): wait as a browser would.
    while (fetched.status === 429) {
      await new Promise((r) => setTimeout(r, 2_100));
      fetched = await send('GET', '/security-check/challenge');
    }
    if (fetched.status !== 200) throw new Error(`challenge: ${fetched.status}`);
    const challenge = JSON.parse(fetched.body) as Challenge;
    const solution = await solveChallenge({ challenge, deriveKey });
    const altcha = Buffer.from(
      JSON.stringify({ challenge: { parameters: challenge.parameters, signature: challenge.signature }, solution }),
    ).toString('base64');
    const email = side === 'known' ? task.known[knownUsed++ % task.known.length]! : `nobody-${i}@example.com`;
    // Let whatever the previous pair left running finish.
    await new Promise((r) => setTimeout(r, 50));
    const answer = await send(
      'POST',
      '/signin/help/diagnose',
      new URLSearchParams({ _csrf: csrf, altcha, email }).toString(),
    );
    if (answer.status !== 200) throw new Error(`doctor answered ${answer.status}`);
    const started = performance.now();
    await send('GET', '/signin/help');
    if (i >= 20) latencies[side].push(performance.now() - started);
  }
  connection.close();
  return latencies;
}

if (args.client) {
  const task = JSON.parse(args.client) as ClientTask;
  process.send!(await client(task));
  process.exit(0);
}

const dir = mkdtempSync(join(tmpdir(), 'gatehouse-doctor-probe-'));
const port = await freePort();
const base = `http://127.0.0.1:${port}`;
const config = loadConfig({
  DATABASE_URL: `sqlite:${join(dir, 'g.db')}`,
  PUBLIC_URL: base,
  HOST: '127.0.0.1',
  PORT: String(port),
  LOG_LEVEL: 'silent',
  ...BENCH_THROTTLE,
  SECURITY_CHECK_COST: '1',
  SECURITY_CHECK_WORK: '4',
});
const database = openDatabase(config.databaseUrl);
await migrateOrThrow(database.db);
const deps = buildDeps(config, database, Buffer.alloc(32, 9), systemClock);
const app = await buildApp(config, deps, { logger: false });
await app.listen({ host: '127.0.0.1', port });

// Enough owners that none reaches the limit of 3 reports an hour; each with a wrong password on record.
const known: string[] = [];
for (let i = 0; i < Math.ceil(PAIRS / 2) + 5; i++) {
  const email = `probe-owner-${i}@example.com`;
  const account = await createAccount(
    deps,
    { email, password: 'a long password for the probe owner', name: 'Probe' },
    CLI_ACTOR,
    SYSTEM_META,
  );
  await createUser(
    deps,
    account.id,
    { name: 'carol', password: 'a long password for carol 1' },
    CLI_ACTOR,
    SYSTEM_META,
  );
  await signInRoot(deps, email, 'not the password', SYSTEM_META);
  known.push(email);
}

let runner: { stop(): Promise<void> } | null = null;
if (args.jobs !== 'off') {
  // Absent before background jobs existed: then the work ran right after each response.
  const jobs = (await import('../src/jobs/job-runner.ts').catch(() => null)) as
    | typeof import('../src/jobs/job-runner.ts')
    | null;
  if (jobs) {
    const r = new jobs.JobRunner(deps);
    r.start();
    runner = r;
  }
}

const task: ClientTask = { base, known, pairs: PAIRS };
const child = fork(fileURLToPath(import.meta.url), ['--client', JSON.stringify(task)], { execArgv: process.execArgv });
const latencies = await new Promise<{ known: number[]; unknown: number[] }>((resolve, reject) => {
  child.once('message', (m) => resolve(m as { known: number[]; unknown: number[] }));
  child.once('exit', (code) => (code === 0 ? undefined : reject(new Error(`client exited with ${code}`))));
});
// The last jobs get their pass before the runner stops (it polls every second).
if (runner) await new Promise((r) => setTimeout(r, 2500));
await runner?.stop();

const [k, u] = [latencies.known, latencies.unknown];
console.log(
  `background jobs: ${runner ? 'on (runner in the serving process)' : 'absent or off'}; ${k.length} + ${u.length} probes after warm-up`,
);
console.log(`probe after known:   median ${median(k).toFixed(3)} ms, mean ${mean(k).toFixed(3)} ms`);
console.log(`probe after unknown: median ${median(u).toFixed(3)} ms, mean ${mean(u).toFixed(3)} ms`);
console.log(
  `difference of medians ${(median(k) - median(u)).toFixed(3)} ms; Mann–Whitney two-sided p = ${mannWhitneyP(k, u).toPrecision(3)}`,
);
const reports = await deps.db
  .selectFrom('mail_outbox')
  .select('id')
  .where('template', '=', 'sign-in-diagnosis')
  .execute();
console.log(`reports mailed for the known identifiers: ${reports.length}`);

await app.close();
await deps.guard.close();
await database.close();
rmSync(dir, { recursive: true, force: true });
