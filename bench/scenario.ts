import type { Connection } from './http-client.ts';
import type { OidcCodes } from './oidc-seed.ts';
import type { Serving } from './serving.ts';
import type { SigningCredentials } from './sigv4-signer.ts';

/** The console password of every benchmark user, seeded ones included. */
export const BENCH_PASSWORD = 'bench password for sign-in 1';

/** Users seeded by `--users N` (bench/seed.ts): user `i` is `user-i` in account `accountIds[floor(i / perAccount)]`. */
export interface SeededUsers {
  count: number;
  perAccount: number;
  accountIds: string[];
}

/**
 * What a scenario's `prepare` may use: the listening server and a way to seed it.
 * `prepare` runs in the server's process; `request` runs in the load generator's.
 */
export interface BenchTarget {
  /** `http://127.0.0.1:<port>` of the first instance (`prepare` talks to it). */
  baseUrl: string;
  /** Every instance's base URL (one unless `--instances`); the load generator spreads connections over them. */
  baseUrls: string[];
  /** The benchmark account's alias, as in `/signin/<alias>`. */
  accountRef: string;
  /** The users `--users N` seeded, or null: then each row signs in users of its own, one per connection. */
  seeded: SeededUsers | null;
  /** Creates `count` IAM users with this console password (each hashed once); returns their names. */
  createUsers(prefix: string, count: number, password: string): Promise<string[]>;
  /** Switches the running server to the production throttle settings (for the credential-stuffing row, run last). */
  throttleAsInProduction(): Promise<void>;
  /** Gives IAM user `userName` an inline policy (`bench`) of these statements. */
  putUserPolicy(userName: string, statements: object[]): Promise<void>;
  /** Creates an access key for the root user (`userName` null) or an IAM user; returns it with its secret. */
  createAccessKey(userName: string | null): Promise<SigningCredentials>;
  /**
   * Registers an OpenID Connect client that IAM user `userName` may sign in to, and leaves
   * `count` authorization codes for that user at the token endpoint, living `ttlSeconds`.
   */
  createOidcCodes(userName: string, count: number, ttlSeconds: number): Promise<OidcCodes>;
}

/** How long a row runs, warm-up included: rows that use up what `prepare` made size it by this. */
export interface RunLength {
  seconds: number;
}

/**
 * One row of the benchmark. `prepare` returns one JSON-serialisable state per
 * connection (it crosses a process boundary); `request` sends one request on that
 * connection and says whether the answer is the one the scenario expects. A
 * connection's state object stays in the load process between requests, so a
 * scenario may keep counters in it (e.g. to walk through a list of passwords).
 */
export interface Scenario<State = unknown> {
  /** Short id, used by `--scenario`. */
  name: string;
  /** Row label in the results table. */
  label: string;
  /** What counts as a good response, printed in the table's note column. */
  expect: string;
  /**
   * Answers each good response carries (a batch of questions): the row counts answers, so its
   * rate is answers per second and its server CPU is per answer. Latencies stay per response.
   */
  answersPerResponse?: number;
  /** `prepare` throws `NotServed` when the server does not offer what the row measures. */
  prepare(target: BenchTarget, connections: number, run: RunLength): Promise<State[]>;
  /**
   * Rows that measure another server than Gatehouse start it here, before `prepare`: the load
   * goes to it and its processes are the ones watched. Stopped after the row.
   */
  serve?(target: BenchTarget): Promise<Serving>;
  request(connection: Connection, state: State): Promise<boolean>;
}

/** Thrown by `prepare` when the server does not serve what the row measures: the row says so instead of failing the run. */
export class NotServed extends Error {}

export function defineScenario<State>(scenario: Scenario<State>): Scenario<unknown> {
  return scenario as Scenario<unknown>;
}
