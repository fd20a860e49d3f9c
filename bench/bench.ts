/**
 * `npm run bench` — Gatehouse's benchmark.
 *
 * Starts Gatehouse in this process (or in --workers cluster workers), listening on 127.0.0.1 on a free port with a fresh
 * SQLite database in a temp dir, seeds one account and distinct IAM users per scenario,
 * and drives each scenario from a separate load-generator process (load-worker.ts),
 * so the server's event loop serves only the server. Also measures the bare argon2id
 * verification rate with the server's parameters and hashing concurrency, the ceiling
 * a password sign-in cannot beat.
 *
 * Flags:
 *   --duration <s>      measured seconds per scenario (default 10)
 *   --warmup <s>        unmeasured seconds before each (default 2)
 *   --connections <n>   concurrent keep-alive connections, one user each (default 16)
 *   --scenario <a,b>    run only these scenarios (names: see scenarios.ts); `hash` is the bare hash rate
 *   --client <kind>     load generator's HTTP client: `node-http` (default; keep-alive agents)
 *                       or `raw` (a minimal HTTP/1.1 client on net sockets, cheaper per request)
 *   --workers <n>       serve from n cluster workers, as `gatehouse serve --workers n` (default 1: this process)
 *   --json              print the results as JSON instead of a markdown table
 *   --help
 * Environment: ARGON2_*, HASH_CONCURRENCY, HASH_QUEUE_LIMIT, SESSION_* as for the server
 * (see server.ts); UV_THREADPOOL_SIZE as for Node.
 */
import { fork } from 'node:child_process';
import { availableParallelism, cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { measureHashRate } from './hash-rate.ts';
import { type PolicyBenchResult, measurePolicyDecisions } from './policy-engine.ts';
import type { ClientKind } from './http-client.ts';
import type { RunPhase, WorkerMessage } from './load-protocol.ts';
import { Probe, type ProbeReading } from './probe.ts';
import { SCENARIOS, type Scenario } from './scenarios.ts';
import { type BenchServer, startServer } from './server.ts';
import { markdownTable, percentile, round } from './stats.ts';

/** Sign-ins per second as a share of the bare hash rate: the rest of the request must cost little. */
const SIGNIN_TARGET_RATIO = 0.85;
/** Session checks per second on a 2-core machine. */
const SESSION_TARGET_PER_SECOND = 20_000;
/** Above this much CPU (% of one core) used by other processes, a row's rate says little. */
const DISTURBED_PERCENT = 10;

interface Row {
  scenario: string;
  label: string;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  eventLoopP99Ms: number;
  /** CPU used by the server process (all its threads), as % of one core. */
  serverCpuPercent: number;
  /** Server CPU per good request, in ms: what a request costs, however busy the machine was. */
  serverCpuMsPerRequest: number;
  loadCpuPercent: number | null;
  /** CPU used by every other process on the machine (other than server and load), as % of one core. */
  othersCpuPercent: number;
  unexpected: number;
  errors: number;
  firstError: string | null;
  expect: string;
}

const USAGE = `Usage: npm run bench -- [--duration 10] [--warmup 2] [--connections 16] [--client node-http|raw] [--workers 1] [--scenario ${['hash', 'policy', ...SCENARIOS.map((s) => s.name)].join(',')}] [--json]`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: '10' },
      warmup: { type: 'string', default: '2' },
      connections: { type: 'string', default: '16' },
      scenario: { type: 'string' },
      client: { type: 'string', default: 'node-http' },
      workers: { type: 'string', default: '1' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const durationMs = positive('--duration', values.duration) * 1000;
  const warmupMs = positive('--warmup', values.warmup, true) * 1000;
  const connections = Math.round(positive('--connections', values.connections));
  const wanted = values.scenario
    ?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const known = new Set(['hash', 'policy', ...SCENARIOS.map((s) => s.name)]);
  const unknown = wanted?.filter((name) => !known.has(name)) ?? [];
  if (unknown.length > 0) throw new UsageError(`unknown scenario ${unknown.join(', ')}`);
  const selected = (name: string) => !wanted || wanted.includes(name);
  const client = values.client;
  if (client !== 'node-http' && client !== 'raw') throw new UsageError('--client must be node-http or raw');

  const workers = Math.round(positive('--workers', values.workers));
  const server = await startServer({ workers });
  const rows: Row[] = [];
  let hashRate: Row | null = null;
  let policy: PolicyBenchResult | null = null;
  try {
    const { config } = server;
    const log = (line: string) => process.stderr.write(`${line}\n`);
    log(
      `Gatehouse listening on ${server.target.baseUrl}; ${connections} connections, ${durationMs / 1000} s per scenario after ${warmupMs / 1000} s warm-up`,
    );

    if (selected('hash')) {
      log('measuring the bare argon2id rate …');
      const probe = new Probe();
      let reading: ProbeReading | null = null;
      const rate = await measureHashRate(config.argon2, config.hashConcurrency, {
        warmupMs,
        durationMs,
        onStart: () => probe.start(),
        onEnd: () => (reading = probe.stop()),
      });
      reading ??= probe.stop();
      hashRate = makeRow(
        { name: 'hash', label: `Bare argon2id verify ×${config.hashConcurrency}`, expect: 'hashes/s, no HTTP' },
        rate,
        reading,
        null,
      );
      rows.push(hashRate);
    }

    if (selected('policy')) {
      log('measuring policy decisions …');
      policy = measurePolicyDecisions(Math.max(1, Math.round(durationMs / 3000)));
    }

    for (const scenario of SCENARIOS.filter((s) => selected(s.name))) {
      log(`preparing ${scenario.name} …`);
      const states = await scenario.prepare(server.target, connections);
      log(`running ${scenario.name} …`);
      rows.push(await runScenario(server, scenario, states, { client, warmupMs, durationMs }));
    }
  } finally {
    await server.stop();
  }

  if (values.json) {
    console.log(
      JSON.stringify({ machine: machine(server), client, connections, durationMs, warmupMs, rows, policy }, null, 2),
    );
  } else {
    console.log(report(server, rows, hashRate, { client, connections, durationMs }, policy));
  }
  return 0;
}

function makeRow(
  scenario: { name: string; label: string; expect: string },
  rate: { perSecond: number; p50Ms: number; p99Ms: number },
  reading: ProbeReading,
  load: Extract<WorkerMessage, { type: 'result' }> | null,
): Row {
  const loadCpuMs = load ? (load.cpuMs * reading.windowMs) / load.windowMs : 0;
  const requests = rate.perSecond * (reading.windowMs / 1000);
  return {
    scenario: scenario.name,
    label: scenario.label,
    ...rate,
    eventLoopP99Ms: reading.eventLoopP99Ms,
    serverCpuPercent: (100 * reading.cpuMs) / reading.windowMs,
    serverCpuMsPerRequest: requests > 0 ? reading.cpuMs / requests : 0,
    loadCpuPercent: load ? (100 * load.cpuMs) / load.windowMs : null,
    othersCpuPercent: Math.max(0, (100 * (reading.machineBusyMs - reading.cpuMs - loadCpuMs)) / reading.windowMs),
    unexpected: load?.unexpected ?? 0,
    errors: load?.errors ?? 0,
    firstError: load?.firstError ?? null,
    expect: scenario.expect,
  };
}

/** Forks the load generator for one scenario and watches the server while it runs. */
function runScenario(
  server: BenchServer,
  scenario: Scenario,
  states: unknown[],
  options: { client: ClientKind; warmupMs: number; durationMs: number },
): Promise<Row> {
  let reading: Promise<ProbeReading> | null = null;
  const worker = fork(fileURLToPath(new URL('./load-worker.ts', import.meta.url)), [], {
    serialization: 'advanced',
    // tsx's loader comes along; a profiler flag given for the server does not.
    execArgv: process.execArgv.filter((arg) => !arg.startsWith('--cpu-prof') && !arg.startsWith('--prof')),
  });
  return new Promise<Row>((resolve, reject) => {
    let settled = false;
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'measuring') server.probeStart();
      else if (message.type === 'measured') reading = server.probeStop();
      else {
        settled = true;
        reading ??= server.probeStop();
        const latencies = message.latencies.sort();
        const rate = {
          perSecond: latencies.length / (message.windowMs / 1000),
          p50Ms: percentile(latencies, 0.5),
          p99Ms: percentile(latencies, 0.99),
        };
        reading.then((r) => resolve(makeRow(scenario, rate, r, message)), reject);
      }
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the load generator for ${scenario.name} exited with ${code} before reporting`));
    });
    const phase: RunPhase = {
      type: 'run',
      scenario: scenario.name,
      baseUrl: server.target.baseUrl,
      states,
      ...options,
    };
    worker.send(phase);
  });
}

function machine(server: BenchServer) {
  const { config } = server;
  return {
    node: process.version,
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    argon2: config.argon2,
    hashConcurrency: config.hashConcurrency,
    uvThreadpoolSize: Number(process.env.UV_THREADPOOL_SIZE) || 4,
    database: 'SQLite (file, WAL)',
    workers: server.workers,
  };
}

function report(
  server: BenchServer,
  rows: Row[],
  hashRate: Row | null,
  { client, connections, durationMs }: { client: ClientKind; connections: number; durationMs: number },
  policy: PolicyBenchResult | null = null,
): string {
  const m = machine(server);
  const lines: string[] = [];
  lines.push(`## Gatehouse benchmark`);
  lines.push('');
  lines.push(
    `${m.cores} cores (${m.cpu}), Node ${m.node}, ${m.database}; argon2id m=${m.argon2.memoryCost} KiB, t=${m.argon2.timeCost}, p=${m.argon2.parallelism}, ` +
      `hash concurrency ${m.hashConcurrency}, libuv pool ${m.uvThreadpoolSize}; ${connections} keep-alive connections, ${durationMs / 1000} s per row; ` +
      `${m.workers > 1 ? `${m.workers} server workers (node:cluster), each with that hash concurrency; ` : ''}` +
      `load generated by a separate process on the same machine (${client} client).`,
  );
  lines.push('');
  lines.push(
    markdownTable(
      ['scenario', 'requests/s', 'p50 ms', 'p99 ms', 'event-loop p99 ms', 'note'],
      rows.map((row) => [
        row.label,
        round(row.perSecond, row.perSecond < 1000 ? 1 : 0),
        round(row.p50Ms, 2),
        round(row.p99Ms, 2),
        round(row.eventLoopP99Ms, 2),
        note(row),
      ]),
    ),
  );
  lines.push('');
  const signIns = rows.find((r) => r.scenario === 'signin-ok');
  if (signIns && hashRate && hashRate.perSecond > 0) {
    const ratio = signIns.perSecond / hashRate.perSecond;
    lines.push(
      `- Sign-ins / bare hash rate: **${round(100 * ratio, 1)} %** (${round(signIns.perSecond, 1)} / ${round(hashRate.perSecond, 1)}); ` +
        `target ≥ ${100 * SIGNIN_TARGET_RATIO} %: ${verdict(ratio >= SIGNIN_TARGET_RATIO, signIns, hashRate)}. ` +
        `Per server CPU-second (less affected by other processes): ${round(100 * (hashRate.serverCpuMsPerRequest / signIns.serverCpuMsPerRequest), 1)} %.`,
    );
  }
  const sessions = rows.find((r) => r.scenario === 'session');
  if (sessions) {
    lines.push(
      `- Session checks: **${round(sessions.perSecond, 0)}/s**; target ≥ ${round(SESSION_TARGET_PER_SECOND, 0)}/s on 2 cores` +
        `${m.cores === 2 ? '' : ` (this machine has ${m.cores})`}: ${verdict(sessions.perSecond >= SESSION_TARGET_PER_SECOND, sessions)}.`,
    );
  }
  if (policy) {
    lines.push(
      `- Policy decisions (compiled once, ${policy.policies} policies / ${policy.statements} statements, one thread): ` +
        `**${round(policy.decisionsPerSecond, 0)}/s**, ${round(policy.microsecondsPerDecision, 2)} µs each.`,
    );
  }
  const disturbed = rows.filter(isDisturbed);
  if (disturbed.length > 0) {
    lines.push(
      `- Other processes used more than ${DISTURBED_PERCENT} % of a core during ${disturbed.map((r) => r.scenario).join(', ')}: ` +
        'those rates are low by about that share and cannot be judged against the targets; CPU ms per request is the better guide ' +
        '(though still inflated when cores are shared). Run again on an idle machine.',
    );
  }
  return lines.join('\n');
}

function isDisturbed(row: Row): boolean {
  return row.othersCpuPercent > DISTURBED_PERCENT;
}

function verdict(met: boolean, ...rows: Row[]): string {
  if (rows.some(isDisturbed)) return `${met ? 'met' : 'not met'} on a busy machine, so inconclusive`;
  return met ? 'met' : 'NOT met';
}

function note(row: Row): string {
  const parts = [
    row.expect,
    `server CPU ${round(row.serverCpuPercent, 0)} % (${round(row.serverCpuMsPerRequest, 3)} ms/request)`,
  ];
  if (row.loadCpuPercent !== null) parts.push(`load CPU ${round(row.loadCpuPercent, 0)} %`);
  parts.push(`other processes ${round(row.othersCpuPercent, 0)} %`);
  if (row.unexpected > 0) parts.push(`${row.unexpected} unexpected answers`);
  if (row.errors > 0) parts.push(`${row.errors} socket errors (${row.firstError})`);
  return parts.join('; ');
}

class UsageError extends Error {}

function positive(flag: string, raw: string | undefined, zeroAllowed = false): number {
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || (!zeroAllowed && value === 0))
    throw new UsageError(`${flag} must be a positive number`);
  return value;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n${USAGE}`);
      process.exit(2);
    }
    console.error(error);
    process.exit(1);
  },
);
