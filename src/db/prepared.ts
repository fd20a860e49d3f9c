import {
  type Compilable,
  type DialectAdapter,
  type Kysely,
  type OperationNodeSource,
  type QueryResult,
  type RootOperationNode,
  createQueryId,
} from 'kysely';
import type { Db } from './database.ts';
import type { Database } from './schema.ts';

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
 * other query, so transactions, plugins (the tests' statement recorder) and logging see it as
 * usual; a plugin that rewrites the query gets it compiled anew.
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
    let entry = compiled.get(executor.adapter);
    if (!entry) {
      entry = compile(db, build, args.length);
      compiled.set(executor.adapter, entry);
    }
    const queryId = createQueryId();
    const node = executor.transformQuery(entry.node, queryId);
    let { sql, bindings } = entry;
    if (node !== entry.node) ({ sql, bindings } = bindingsOf(executor.compileQuery(node, queryId), args.length));
    const parameters = bindings.map((b) => ('argument' in b ? args[b.argument] : b.constant));
    return executor.executeQuery<O>({ query: node, queryId, sql, parameters });
  };
}

function compile<A extends unknown[], O>(
  db: Db,
  build: (db: Kysely<Database>, ...args: A) => Compilable<O> & OperationNodeSource,
  count: number,
): Compiled {
  const plain = db.withoutPlugins();
  const stand = Array.from({ length: count }, (_, i) => new Argument(i)) as unknown as A;
  const node = build(plain, ...stand).toOperationNode() as RootOperationNode;
  const { sql, bindings } = bindingsOf(plain.getExecutor().compileQuery(node, createQueryId()), count);
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
