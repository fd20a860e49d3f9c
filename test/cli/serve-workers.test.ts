import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Challenge } from 'altcha-lib';
import { CHECKOUT_BIN, gatehouse, spawnGatehouse } from '../support/cli.ts';
import { solvePayload } from '../support/harness.ts';
import { freePort } from '../support/listen.ts';
import { TEST_REDIS_URL, redisAnswers } from '../support/redis.ts';

const redisUp = await redisAnswers();

const ROOT_PASSWORD = 'a long root passphrase for the workers';

/** The Node processes whose parent is `pid` (Linux /proc): the cluster's workers. */
function childrenOf(pid: number): number[] {
  const children: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // Field 4 of /proc/<pid>/stat is the parent's pid; the command name (field 2) may hold spaces.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== pid) continue;
      // Only Node processes: tsx may run an esbuild service beside the workers when its cache is cold.
      if (readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0')[0] === process.execPath)
        children.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return children;
}

async function until<T>(
  what: string,
  check: () => T | null | false | Promise<T | null | false>,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * A minimal browser over real HTTP: one cookie jar, CSRF token taken from the form it posts.
 * Each request opens its own connection, so the cluster hands them to the workers in turn.
 */
class HttpBrowser {
  readonly #cookies = new Map<string, string>();
  constructor(readonly base: string) {}

  request(
    path: string,
    init: { method?: string; form?: Record<string, string> } = {},
  ): Promise<{ status: number; location: string | null; body: string }> {
    const body = init.form ? new URLSearchParams(init.form).toString() : undefined;
    return new Promise((resolve, reject) => {
      const req = httpRequest(
        this.base + path,
        {
          method: init.method ?? 'GET',
          agent: false,
          headers: {
            cookie: [...this.#cookies].map(([k, v]) => `${k}=${v}`).join('; '),
            ...(body === undefined
              ? {}
              : {
                  'content-type': 'application/x-www-form-urlencoded',
                  origin: this.base,
                  'content-length': Buffer.byteLength(body),
                }),
          },
        },
        (response) => {
          for (const line of response.headers['set-cookie'] ?? []) {
            const [pair] = line.split(';');
            const at = pair!.indexOf('=');
            this.#cookies.set(pair!.slice(0, at), pair!.slice(at + 1));
          }
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk: string) => (text += chunk));
          response.on('end', () =>
            resolve({ status: response.statusCode ?? 0, location: response.headers.location ?? null, body: text }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }

  async post(path: string, fields: Record<string, string>, csrfFrom: string) {
    const page = await this.request(csrfFrom);
    const csrf = /name="_csrf" value="([0-9a-f]+)"/.exec(page.body)?.[1];
    if (!csrf) throw new Error(`no CSRF token on ${csrfFrom}`);
    return this.request(path, { method: 'POST', form: { _csrf: csrf, ...fields } });
  }
}

// Spawns real processes (about half a second each to start, more on a busy machine). The cluster is started from the
// checkout's own bin/gatehouse.js, so its workers are re-run through tsx as a user's would be.
describe.skipIf(process.platform !== 'linux')('gatehouse serve --workers', { timeout: 120_000 }, () => {
  let dir: string;
  let env: Record<string, string>;
  let server: ChildProcess;
  let base: string;
  let output = '';
  const email = `workers-${randomBytes(3).toString('hex')}@example.com`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gatehouse-workers-'));
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    env = {
      DATABASE_URL: `sqlite:${join(dir, 'g.db')}`,
      SECRET_KEY: randomBytes(32).toString('hex'),
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_URL: base,
      SECURITY_CHECK_COST: '1',
      SECURITY_CHECK_WORK: '4',
    };
    expect((await gatehouse(['migrate'], env)).code).toBe(0);
    expect(
      (await gatehouse(['account', 'create', '--email', email, '--password-stdin'], env, ROOT_PASSWORD)).code,
    ).toBe(0);
    server = spawnGatehouse(['serve', '--workers', '2'], env, ['ignore', 'pipe', 'pipe'], CHECKOUT_BIN);
    server.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    server.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    await until('two workers listening', () => output.includes('with 2 workers'));
  });

  afterAll(() => {
    if (server.exitCode === null) server.kill('SIGKILL');
    for (const pid of childrenOf(server.pid!)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  /** Sign-in attempts of every outcome, as a scrape reports them. */
  function signInsCounted(metrics: string): number {
    return [...metrics.matchAll(/^gatehouse_signins_total\{outcome="[a-z_]+"\} (\d+)$/gm)].reduce(
      (sum, m) => sum + Number(m[1]),
      0,
    );
  }

  /** The workers that logged serving `url`. */
  function servedBy(url: string): number[] {
    const lines = output.split('\n').filter((line) => line.includes(`"url":"${url}"`));
    return [...new Set(lines.map((line) => (JSON.parse(line) as { pid: number }).pid))].sort();
  }

  it('serves one session from every worker, adds up their metrics, replaces a worker that dies, and stops on SIGTERM', async () => {
    const workers = childrenOf(server.pid!);
    expect(workers).toHaveLength(2);

    const browser = new HttpBrowser(base);
    expect(
      (await browser.post('/signin/root/password', { email, password: ROOT_PASSWORD }, '/signin?choose=1')).location,
    ).toBe('/console');
    // Connections go to the workers in turn; the session is in the database, so each knows it.
    for (let i = 0; i < 6; i++) {
      const page = await browser.request('/console');
      expect(page.status).toBe(200);
      expect(page.body).toContain(email);
    }
    expect(servedBy('/console')).toEqual([...workers].sort());

    // Counts from every worker add up, whichever worker answers the scrape.
    for (let i = 0; i < 5; i++) {
      await new HttpBrowser(base).post('/signin/root/password', { email, password: `wrong ${i}` }, '/signin?choose=1');
      // Each post is two connections (form, then post): one more shifts the next post to the other worker.
      if (i % 2 === 0) await browser.request('/healthz');
    }
    expect(servedBy('/signin/root/password')).toEqual([...workers].sort());
    for (let i = 0; i < 4; i++) expect(signInsCounted((await browser.request('/metrics')).body)).toBe(6);

    // A form's background job is run by the first process (the workers only queue it): the reset mail reaches the outbox.
    const challenge = JSON.parse((await browser.request('/security-check/challenge')).body) as Challenge;
    const forgot = await browser.post(
      '/signin/forgot',
      { email, altcha: await solvePayload(challenge) },
      '/signin/forgot',
    );
    expect(forgot.status).toBe(200);
    await until('the reset mail in the outbox', async () => {
      const listed = await gatehouse(['outbox', 'list', '--to', email, '--json'], env);
      return listed.stdout.includes('password-reset');
    });

    process.kill(workers[0]!, 'SIGKILL');
    const replaced = await until('a new worker', () => {
      const now = childrenOf(server.pid!);
      return now.length === 2 && !now.includes(workers[0]!) ? now : null;
    });
    expect(replaced).toContain(workers[1]);
    await until(
      'the new worker listening',
      async () => (await browser.request('/console').catch(() => null))?.status === 200,
    );
    for (let i = 0; i < 4; i++) expect((await browser.request('/console')).status).toBe(200);
    // The dead worker's counts stay in the total: a counter never goes backwards.
    for (let i = 0; i < 4; i++) expect(signInsCounted((await browser.request('/metrics')).body)).toBe(6);

    const exited = new Promise<number | null>((resolve) => server.once('exit', (code) => resolve(code)));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(childrenOf(server.pid!)).toEqual([]);
    await expect(browser.request('/healthz')).rejects.toThrow();
  });

  /** Runs the CLI; the promise settles with the exit code, or 'hung' when it is still running after `ms`. */
  function exitOf(child: ChildProcess, ms: number): Promise<number | null | 'hung'> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        resolve('hung');
      }, ms);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve(code);
      });
    });
  }

  it.skipIf(!redisUp)('exits when done with REDIS_URL set: a CLI command, and serve --workers on SIGTERM', async () => {
    const withRedis = { ...env, REDIS_URL: TEST_REDIS_URL, PORT: String(await freePort()) };
    const purge = spawnGatehouse(['purge'], withRedis, 'ignore');
    expect(await exitOf(purge, 20_000)).toBe(0);
    const cluster = spawnGatehouse(['serve', '--workers', '2'], withRedis, ['ignore', 'pipe', 'pipe']);
    let log = '';
    cluster.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString('utf8')));
    await until('two workers listening with Redis', () => log.includes('with 2 workers'));
    const exited = exitOf(cluster, 20_000);
    cluster.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('refuses a worker count that is not a whole number from 1 to 64', async () => {
    const run = spawnGatehouse(['serve', '--workers', 'many'], env, ['ignore', 'ignore', 'pipe']);
    let stderr = '';
    run.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => run.on('close', resolve));
    expect(code).not.toBe(0);
    expect(stderr).toContain('--workers must be a whole number from 1 to 64, not "many"');
    const memory = spawnGatehouse(['serve', '--workers', '2'], { ...env, DATABASE_URL: 'sqlite::memory:' }, [
      'ignore',
      'ignore',
      'pipe',
    ]);
    let memoryErr = '';
    memory.stderr!.on('data', (chunk: Buffer) => (memoryErr += chunk.toString('utf8')));
    expect(await exitOf(memory, 20_000)).toBe(2);
    expect(memoryErr).toContain('each would get its own empty sqlite::memory: database');
  });
});
