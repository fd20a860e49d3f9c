import type {
  KyselyPlugin,
  PluginTransformQueryArgs,
  PluginTransformResultArgs,
  QueryResult,
  RootOperationNode,
  UnknownRow,
} from 'kysely';

/**
 * A Kysely plugin that writes down, while recording, every statement run through the
 * Kysely instance it is attached to (`db.withPlugin(recorder)`): its kind and the tables
 * it names, e.g. `InsertQueryNode(jobs)`. Raw SQL is written down as its text.
 */
export class StatementRecorder implements KyselyPlugin {
  #recording = false;
  #statements: string[] = [];

  start(): void {
    this.#statements = [];
    this.#recording = true;
  }

  /** Stops recording and returns what was run since `start`, in order. */
  stop(): string[] {
    this.#recording = false;
    return this.#statements;
  }

  transformQuery({ node }: PluginTransformQueryArgs): RootOperationNode {
    if (this.#recording) this.#statements.push(describeStatement(node));
    return node;
  }

  async transformResult({ result }: PluginTransformResultArgs): Promise<QueryResult<UnknownRow>> {
    return result;
  }
}

/** The tables a list of recorded statements names. */
export function tablesIn(statements: string[]): string[] {
  const tables = new Set<string>();
  for (const s of statements) {
    const match = /^\w+\(([^)]*)\)$/.exec(s);
    for (const t of match?.[1]?.split(',') ?? []) if (t) tables.add(t);
  }
  return [...tables].sort();
}

function describeStatement(node: RootOperationNode): string {
  if (node.kind === 'RawNode') return `RawNode[${node.sqlFragments.join('?')}]`;
  const tables = new Set<string>();
  collectTables(node, tables);
  return `${node.kind}(${[...tables].sort().join(',')})`;
}

function collectTables(node: unknown, into: Set<string>): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) collectTables(item, into);
    return;
  }
  const record = node as Record<string, unknown>;
  if (record.kind === 'TableNode') {
    const name = (record.table as { identifier?: { name?: unknown } } | undefined)?.identifier?.name;
    if (typeof name === 'string') into.add(name);
  }
  for (const value of Object.values(record)) collectTables(value, into);
}
