import { parseArgs, type ParseArgsConfig } from 'node:util';
import { GatehouseError } from '../shared/errors.ts';

export class UsageError extends Error {
  override name = 'UsageError';
}

export interface Command {
  /** One line for the command list. */
  summary: string;
  /** The full --help text. */
  help: string;
  options: NonNullable<ParseArgsConfig['options']>;
  /** How many plain arguments the command takes (e.g. `outbox show ID`); none unless given. */
  positionals?: number;
  run(values: Record<string, string | boolean | undefined>, positionals: string[]): Promise<number>;
}

export function parse(command: Command, argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: { ...command.options, help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Reads a secret from standard input (one trailing newline removed). */
export async function readStdinSecret(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('--password-stdin reads the password from standard input; pipe it in.');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

export function required(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value.length === 0) throw new UsageError(`--${name} is required.`);
  return value;
}

/** A listing's `--limit`: 50 when not given, else a whole number from 1 to 1000. */
export function listLimit(values: Record<string, unknown>): number {
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
    throw new UsageError('--limit must be a whole number from 1 to 1000.');
  return limit;
}

export function printResult(json: boolean, data: unknown, text: string): void {
  process.stdout.write(json ? `${JSON.stringify(data)}\n` : `${text}\n`);
}

/** Prints an error the way the caller asked (JSON or text) and returns the exit code. */
export function reportError(error: unknown, json: boolean): number {
  const usage = error instanceof UsageError;
  const code = usage ? 'UsageError' : error instanceof GatehouseError ? error.code : 'InternalError';
  const message = error instanceof GatehouseError && !error.safe ? 'Internal error' : (error as Error).message;
  if (json) process.stderr.write(`${JSON.stringify({ error: { code, message } })}\n`);
  else process.stderr.write(`gatehouse: ${message}\n`);
  if (!(error instanceof GatehouseError) && !usage && process.env.GATEHOUSE_DEBUG) console.error(error);
  return usage ? 2 : 1;
}
