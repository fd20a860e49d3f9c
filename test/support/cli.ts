import { type ChildProcess, type StdioOptions, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The checkout the tests run in: where `bin/gatehouse.js` is. */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Starts `node bin/gatehouse.js …` as a user would, with only PATH, HOME and `env` in its environment. */
export function spawnGatehouse(args: string[], env: Record<string, string>, stdio: StdioOptions = ['pipe', 'pipe', 'pipe']): ChildProcess {
  return spawn(process.execPath, ['bin/gatehouse.js', ...args], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio,
  });
}

/** Runs the CLI to its end with `input` piped to standard input; each run compiles the CLI afresh (about a second). */
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
