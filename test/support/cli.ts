import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { inject } from 'vitest';

/** The checkout the tests run in: where `bin/gatehouse.js` is. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The checkout's own entry point, as a user starts it (tsx compiles each module on load). */
export const CHECKOUT_BIN = 'bin/gatehouse.js';

/**
 * Starts the CLI as a user would, with only PATH, HOME and `env` in its environment: the CLI
 * compiled once for the run (test/support/cli-build.ts), or `entry` (e.g. `CHECKOUT_BIN`).
 */
export function spawnGatehouse(
  args: string[],
  env: Record<string, string>,
  stdio: StdioOptions = ['pipe', 'pipe', 'pipe'],
  entry: string = inject('gatehouseCli'),
): ChildProcess {
  return spawn(process.execPath, [entry, ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio,
  });
}

/** Runs the CLI to its end with `input` piped to standard input; each run costs about half a second of start-up. */
export function gatehouse(args: string[], env: Record<string, string>, input = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawnGatehouse(args, env);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin!.end(input);
  });
}
