import {
  type Compilable,
  type DialectAdapter,
  type Kysely,
  type OperationNodeSource,
  type QueryResult,
  type RawBuilder,
  type RootOperationNode,
  createQueryId,
  sql,
} from 'kysely';
import type { Db } from './database.ts';
import type { Database } from './schema.ts';

/**
 * A LIMIT written into the SQL text rather than bound: SQLite plans a statement whose LIMIT is a
 * bound parameter again on every run (it reads the value while planning), which costs more
 * than running a small query. For the fixed limits of hot queries; `count` must be a whole number.
 */
export function sqlLimit(count: number): RawBuilder<number> {
  if (!Number.isSafeInteger(count) || count < 0) throw new RangeError(`not a limit: ${count}`);
  return sql.lit(count);
}

/** Stands for the query's `index`-th argument while it is built. */
class Argument {
  constructor(readonly index: number) {}
}

/** Where each parameter of the compiled SQL comes from: an argument, or a value the query itself holds. */
type Binding = { argument: number } | { constant: unknown };

interface Compiled {
  node: RootOperationNode;
  sql: string;
  bindings: Binding[];
}

/**
 * A query whose shape never changes, built and compiled by Kysely once per database (dialect)
 * instead of on every call: on the hot paths (sign-in, session checks, signed API calls)
 * building and compiling a query costs more than SQLite's running it. Each call binds its
 * arguments into the SQL compiled the first time and runs it through the same executor as any
 * other query, so transactions and logging see it as usual. Through a Kysely instance with
 * plugins (the tests' statement recorder and query planner) it is built and compiled on every
 * call, so they see it, values and all, exactly as any other query.
 *
 * `build` is called once, with stand-ins for the arguments: it may only hand them to Kysely as
 * values (`where('id', '=', id)`, `values({ … })`, `sql\`… ${x}\``), never look at them, branch
 * on them or put them in a list. An argument that does not reach the SQL as a parameter is
 * refused when the query is first compiled.
 */
export function prepared<A extends unknown[], O>(
  build: (db: Kysely<Database>, ...args: A) => Compilable<O> & OperationNodeSource,
): (db: Db, ...args: A) => Promise<QueryResult<O>> {
  const compiled = new WeakMap<DialectAdapter, Compiled>();
  return async (db, ...args) => {
    const executor = db.getExecutor();
    // Plugins (the tests' statement recorder, their query planner) see and may rewrite each query
    // with its real values: for them the query is built and compiled as any other.
    if (executor.plugins.length > 0) return db.executeQuery<O>(build(db, ...args));
    let entry = compiled.get(executor.adapter);
    if (!entry) {
      entry = compile(db, build, args.length);
      compiled.set(executor.adapter, entry);
    }
    const parameters = entry.bindings.map((b) => ('argument' in b ? args[b.argument] : b.constant));
    return executor.executeQuery<O>({ query: entry.node, queryId: createQueryId(), sql: entry.sql, parameters });
  };
}

function compile<A extends unknown[], O>(
  db: Db,
  build: (db: Kysely<Database>, ...args: A) => Compilable<O> & OperationNodeSource,
  count: number,
): Compiled {
  const stand = Array.from({ length: count }, (_, i) => new Argument(i)) as unknown as A;
  const node = build(db, ...stand).toOperationNode() as RootOperationNode;
  const { sql, bindings } = bindingsOf(db.getExecutor().compileQuery(node, createQueryId()), count);
  return { node, sql, bindings };
}

function bindingsOf(query: { sql: string; parameters: readonly unknown[] }, count: number) {
  const bindings: Binding[] = query.parameters.map((p) =>
    p instanceof Argument ? { argument: p.index } : { constant: p },
  );
  for (let i = 0; i < count; i++) {
    if (!bindings.some((b) => 'argument' in b && b.argument === i))
      throw new Error(`prepared query: argument ${i} is not a parameter of ${query.sql}`);
  }
  return { sql: query.sql, bindings };
}
