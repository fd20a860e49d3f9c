import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import {
  CompiledQuery,
  type Kysely,
  type KyselyPlugin,
  type PluginTransformQueryArgs,
  type PluginTransformResultArgs,
  type QueryId,
  type QueryResult,
  type RootOperationNode,
  type UnknownRow,
  sql,
} from 'kysely';
import type { DialectName } from '../src/db/database.ts';
import { SESSION_API_PATH } from './scenarios.ts';
import { type SigningCredentials, signedQuery } from './sigv4-signer.ts';

/**
 * Records every statement run through the Kysely it is attached to (`StatementCapture.on`),
 * compiled as the database receives it: SQL and parameters.
 */
export class StatementCapture implements KyselyPlugin {
  readonly #compile: (node: RootOperationNode, queryId: QueryId) => CompiledQuery;
  #recording: CompiledQuery[] | null = null;

  private constructor(compile: (node: RootOperationNode, queryId: QueryId) => CompiledQuery) {
    this.#compile = compile;
  }

  /** `db` with a capture attached: build the services on the returned Kysely. */
  static on<DB>(db: Kysely<DB>): { db: Kysely<DB>; capture: StatementCapture } {
    const capture = new StatementCapture((node, queryId) => db.getExecutor().compileQuery(node, queryId));
    return { db: db.withPlugin(capture), capture };
  }

  /** The statements `work` ran, in order. */
  async record(work: () => Promise<unknown>): Promise<CompiledQuery[]> {
    const ran: CompiledQuery[] = [];
    this.#recording = ran;
    try {
      await work();
    } finally {
      this.#recording = null;
    }
    return ran;
  }

  transformQuery({ node, queryId }: PluginTransformQueryArgs): RootOperationNode {
    this.#recording?.push(this.#compile(node, queryId));
    return node;
  }

  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return result;
  }
}

/** A user of the app whose hot paths are read: it signs in, checks its session and calls GetCallerIdentity. */
export interface HotPathUser {
  /** As in `/signin/<accountRef>`: the account ID or alias. */
  accountRef: string;
  userName: string;
  password: string;
  /** An access key of the user's. */
  credentials: SigningCredentials;
}

/** A hot path and the distinct statements it ran (each request made twice: the first time and the next). */
export interface HotPath {
  name: string;
  statements: CompiledQuery[];
}

/**
 * Runs the hot paths once and again through `app` (built on the Kysely `capture` watches) and
 * returns each one's statements: an IAM sign-in, the session check of a signed-in page
 * (GET /console) and of the session endpoint (when served), and a signed STS GetCallerIdentity.
 */
export async function hotPathStatements(
  app: FastifyInstance,
  capture: StatementCapture,
  user: HotPathUser,
): Promise<HotPath[]> {
  const signInPath = `/signin/${user.accountRef}`;
  const page = await app.inject({ method: 'GET', url: signInPath });
  const csrf = /name="_csrf" value="([0-9a-f]{64})"/.exec(page.body)?.[1];
  if (!csrf) throw new Error(`GET ${signInPath} gave ${page.statusCode} without a CSRF token`);
  const jar = new Map(page.cookies.map((c) => [c.name, c.value]));
  const cookie = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');

  const paths: HotPath[] = [];
  const twice = async (name: string, request: () => Promise<LightMyRequestResponse>, expected: number) => {
    const statements = await capture.record(async () => {
      for (let i = 0; i < 2; i++) {
        const response = await request();
        if (response.statusCode !== expected)
          throw new Error(`${name} gave ${response.statusCode}, not ${expected}: ${response.body.slice(0, 200)}`);
        for (const c of response.cookies) jar.set(c.name, c.value);
      }
    });
    paths.push({ name, statements: distinct(statements) });
  };

  await twice(
    `IAM sign-in, POST ${signInPath}`,
    () =>
      app.inject({
        method: 'POST',
        url: signInPath,
        headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: cookie() },
        payload: new URLSearchParams({ _csrf: csrf, userName: user.userName, password: user.password }).toString(),
      }),
    303,
  );
  await twice(
    'Session check, GET /console',
    () => app.inject({ method: 'GET', url: '/console', headers: { cookie: cookie() } }),
    200,
  );
  const served = await app.inject({ method: 'GET', url: SESSION_API_PATH, headers: { cookie: cookie() } });
  if (served.statusCode !== 404) {
    await twice(
      `Session check, GET ${SESSION_API_PATH}`,
      () => app.inject({ method: 'GET', url: SESSION_API_PATH, headers: { cookie: cookie() } }),
      200,
    );
  }
  await twice(
    'Signed STS GetCallerIdentity',
    () => {
      const request = signedQuery(
        'http://gatehouse.bench',
        user.credentials,
        'sts',
        'Action=GetCallerIdentity&Version=2011-06-15',
      );
      return app.inject({
        method: 'POST',
        url: '/',
        headers: { ...request.headers, host: 'gatehouse.bench' },
        payload: request.body,
      });
    },
    200,
  );
  return paths;
}

/** A statement with the plan the database chose for it, and the tables it reads whole. */
export interface StatementPlan {
  sql: string;
  plan: string[];
  /** Tables read whole, by a sequential scan or by walking a whole index (`table` or `table via index`). */
  fullScans: string[];
}

/**
 * The plan of `query` (SQLite `EXPLAIN QUERY PLAN`, PostgreSQL `EXPLAIN`) with its parameters.
 * `indexesOnly` (PostgreSQL) asks whether an index *can* serve each lookup: sequential scans are
 * priced out, as on a table too large to scan, so a small test table shows the plan a large one gets.
 */
export async function explainStatement(
  // biome-ignore lint/suspicious/noExplicitAny: any database's Kysely; only raw statements run on it
  db: Kysely<any>,
  dialect: DialectName,
  query: CompiledQuery,
  options: { indexesOnly?: boolean } = {},
): Promise<StatementPlan> {
  if (dialect === 'sqlite') {
    const { rows } = await db.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${query.sql}`, [...query.parameters]),
    );
    const plan = rows.map((r) => r.detail);
    const fullScans = plan.flatMap((line) => {
      const scan = /^SCAN (\S+)(?: USING (?:COVERING )?INDEX (\S+))?/.exec(line);
      if (!scan || scan[1]!.startsWith('(') || scan[1] === 'CONSTANT') return [];
      return [scan[2] ? `${scan[1]} via ${scan[2]}` : scan[1]!];
    });
    return { sql: query.sql, plan, fullScans };
  }
  const explained = await db.transaction().execute(async (tx) => {
    if (options.indexesOnly) await sql`set local enable_seqscan = off`.execute(tx);
    return tx.executeQuery<{ 'QUERY PLAN': Array<{ Plan: PgPlanNode }> }>(
      CompiledQuery.raw(`explain (format json) ${query.sql}`, [...query.parameters]),
    );
  });
  const plan: string[] = [];
  const fullScans: string[] = [];
  const walk = (node: PgPlanNode, depth: number) => {
    const on = node['Relation Name'];
    const index = node['Index Name'];
    const condition = node['Index Cond'] ?? node['Recheck Cond'];
    plan.push(
      `${'  '.repeat(depth)}${node['Node Type']}${index ? ` using ${index}` : ''}${on ? ` on ${on}` : ''}${condition ? ` (${condition})` : ''}`,
    );
    if (on && node['Node Type'] === 'Seq Scan') fullScans.push(on);
    if (on && /^Index (Only )?Scan$/.test(node['Node Type']) && !node['Index Cond'])
      fullScans.push(`${on} via ${index}`);
    for (const child of node.Plans ?? []) walk(child, depth + 1);
  };
  walk(explained.rows[0]!['QUERY PLAN'][0]!.Plan, 0);
  return { sql: query.sql, plan, fullScans };
}

interface PgPlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Recheck Cond'?: string;
  Plans?: PgPlanNode[];
}

/** Each hot path's statements with their plans. */
export async function explainHotPaths(
  // biome-ignore lint/suspicious/noExplicitAny: any database's Kysely; only raw statements run on it
  db: Kysely<any>,
  dialect: DialectName,
  paths: HotPath[],
  options: { indexesOnly?: boolean } = {},
): Promise<Array<{ name: string; plans: StatementPlan[] }>> {
  const explained = [];
  for (const path of paths) {
    const plans: StatementPlan[] = [];
    for (const statement of path.statements) plans.push(await explainStatement(db, dialect, statement, options));
    explained.push({ name: path.name, plans });
  }
  return explained;
}

/** Each statement once, in the order first run; transaction control left out. */
function distinct(statements: CompiledQuery[]): CompiledQuery[] {
  const seen = new Map<string, CompiledQuery>();
  for (const statement of statements) {
    if (/^\s*(begin|commit|rollback|savepoint|release)\b/i.test(statement.sql)) continue;
    if (!seen.has(statement.sql)) seen.set(statement.sql, statement);
  }
  return [...seen.values()];
}
