import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

/**
 * The layers of `src`, bottom to top. A file imports files of its own layer or below, never above:
 *
 * - `shared`: `src/shared`, `src/config`: utilities and configuration, knowing no feature.
 * - `db`: `src/db`: the connection, the table types, the migrations.
 * - `domain`: every other file of a feature folder (repositories, services, engines, mail
 *   content) and `src/deps.ts` (the one `Deps`, at the bottom of the domain). No Fastify, no pages.
 * - `web`: `src/web`: layout, forms, the sign-in guard, route access, the web context.
 * - `pages`: a feature's `*.routes.ts` (route plugins) and `*.pages.ts` (HTML).
 * - `entry`: `src/app.ts`, `src/runtime.ts`, `src/query-api`, `src/cli`, and a feature's `*.cli.ts`.
 *
 * A file's folder is its top-level folder under `src` (a top-level file is its own).
 */
export const LAYERS = ['shared', 'db', 'domain', 'web', 'pages', 'entry'] as const;
export type Layer = (typeof LAYERS)[number];

export function layerOf(file: string): Layer {
  const top = file.split('/')[0]!;
  if (top === 'shared' || top === 'config') return 'shared';
  if (top === 'db') return 'db';
  if (top === 'web') return 'web';
  if (file === 'app.ts' || file === 'runtime.ts' || top === 'query-api' || top === 'cli' || file.endsWith('.cli.ts'))
    return 'entry';
  if (file.endsWith('.routes.ts') || file.endsWith('.pages.ts')) return 'pages';
  return 'domain';
}

export function folderOf(file: string): string {
  return file.split('/')[0]!;
}

/** Import edges between files, by path relative to `src` (posix), and the packages each file names. */
export interface ImportGraph {
  files: string[];
  /** Every file each file imports, type-only imports included. */
  imports: Map<string, string[]>;
  /** The files each file imports a value from (not only types). */
  valueImports: Map<string, string[]>;
  packages: Map<string, string[]>;
  sources: Map<string, string>;
}

/** `import … from '…'`, `import type …`, `export … from '…'`, over several lines too; `import '…'`; `import('…')`. */
const STATEMENTS = [
  /^\s*(import|export)\s([^;'"]*?)\sfrom\s*['"]([^'"]+)['"]/gm,
  /^\s*(import)()\s*['"]([^'"]+)['"]/gm,
  /\b(import)()\(\s*['"]([^'"]+)['"]\s*\)/g,
];

export interface ModuleReference {
  specifier: string;
  /** Names types only (`import type`, or every name marked `type`): gone once compiled, but still a dependency. */
  typeOnly: boolean;
}

/** Every module `source` names in an import or re-export, type-only ones included. */
export function referencesIn(source: string): ModuleReference[] {
  const found = new Map<string, boolean>();
  for (const pattern of STATEMENTS) {
    for (const m of source.matchAll(pattern)) {
      const clause = m[2]!.trim();
      const named = /^\{([^}]*)\}$/.exec(clause);
      const typeOnly =
        clause.startsWith('type ') ||
        (named !== null &&
          named[1]!
            .split(',')
            .map((n) => n.trim())
            .filter(Boolean)
            .every((n) => n.startsWith('type ')));
      // A module named both ways is a value dependency.
      found.set(m[3]!, (found.get(m[3]!) ?? true) && typeOnly);
    }
  }
  return [...found].map(([specifier, typeOnly]) => ({ specifier, typeOnly }));
}

/** The import graph of every `.ts` file under `root` that is not a test. */
export function readImportGraph(root: string): ImportGraph {
  const files: string[] = [];
  (function walk(dir: string) {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts'))
        files.push(relative(root, path).split('\\').join('/'));
    }
  })(root);
  files.sort();
  const imports = new Map<string, string[]>();
  const valueImports = new Map<string, string[]>();
  const packages = new Map<string, string[]>();
  const sources = new Map<string, string>();
  for (const file of files) {
    const local: string[] = [];
    const values: string[] = [];
    const outside: string[] = [];
    const source = readFileSync(join(root, file), 'utf8');
    sources.set(file, source);
    for (const { specifier, typeOnly } of referencesIn(source)) {
      if (!specifier.startsWith('.')) {
        outside.push(specifier);
        continue;
      }
      const target = relative(root, resolve(dirname(join(root, file)), specifier))
        .split('\\')
        .join('/');
      if (!existsSync(join(root, target))) throw new Error(`${file} imports ${specifier}, which does not exist`);
      local.push(target);
      if (!typeOnly) values.push(target);
    }
    imports.set(file, local);
    valueImports.set(file, values);
    packages.set(file, outside);
  }
  return { files, imports, valueImports, packages, sources };
}

/** Groups of files that import each other in a circle (strongly connected components of more than one file, or a file importing itself). */
export function cycles(imports: ReadonlyMap<string, readonly string[]>): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of imports.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (imports.get(v) ?? []).includes(v)) found.push(component.sort());
    }
  };
  for (const v of imports.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** Imports from a lower layer to a higher one, as `from -> to`. */
export function upwardImports(imports: ReadonlyMap<string, readonly string[]>): string[] {
  const rank = (file: string) => LAYERS.indexOf(layerOf(file));
  const found: string[] = [];
  for (const [from, targets] of imports) {
    for (const to of targets)
      if (rank(to) > rank(from)) found.push(`${from} (${layerOf(from)}) -> ${to} (${layerOf(to)})`);
  }
  return found;
}

/** Pairs of feature folders whose domain files import each other both ways, each with one import per direction. */
export function foldersBothWays(imports: ReadonlyMap<string, readonly string[]>): string[] {
  const edges = new Map<string, string>();
  for (const [from, targets] of imports) {
    if (layerOf(from) !== 'domain') continue;
    for (const to of targets) {
      if (layerOf(to) !== 'domain' || folderOf(from) === folderOf(to)) continue;
      const key = `${folderOf(from)} -> ${folderOf(to)}`;
      if (!edges.has(key)) edges.set(key, `${from} -> ${to}`);
    }
  }
  const found: string[] = [];
  for (const [key, example] of edges) {
    const [a, b] = key.split(' -> ') as [string, string];
    if (a < b && edges.has(`${b} -> ${a}`)) found.push(`${a} <-> ${b}: ${example}; ${edges.get(`${b} -> ${a}`)}`);
  }
  return found.sort();
}

/** Route and page files that call a repository instead of a service (record types may be named). */
export function pagesCallingRepositories(imports: ReadonlyMap<string, readonly string[]>): string[] {
  const found: string[] = [];
  for (const [from, targets] of imports) {
    if (layerOf(from) !== 'pages') continue;
    for (const to of targets) if (to.endsWith('.repository.ts')) found.push(`${from} -> ${to}`);
  }
  return found;
}

/** Imports of a route plugin file by anything but `app.ts`, which registers them all. */
export function routesImportedOutsideApp(imports: ReadonlyMap<string, readonly string[]>): string[] {
  const found: string[] = [];
  for (const [from, targets] of imports) {
    if (from === 'app.ts') continue;
    for (const to of targets) if (to.endsWith('.routes.ts')) found.push(`${from} -> ${to}`);
  }
  return found;
}

/** Imports of `app.ts` by anything but the command line, which builds the app to serve it. */
export function appImportedOutsideCli(imports: ReadonlyMap<string, readonly string[]>): string[] {
  const found: string[] = [];
  for (const [from, targets] of imports) {
    if (from.startsWith('cli/')) continue;
    if (targets.includes('app.ts')) found.push(`${from} -> app.ts`);
  }
  return found;
}

/** Casts that reach a dependency (`x as Deps`, `deps as …`): every file gets `Deps` whole, from its caller. */
export function dependencyCasts(sources: ReadonlyMap<string, string>): string[] {
  const found: string[] = [];
  for (const [file, source] of sources) {
    for (const m of source.matchAll(/\bas\s+(?:unknown\s+as\s+)?\w*Deps\b|\bdeps\s+as\s+\w+/g))
      found.push(`${file}: ${m[0]}`);
  }
  return found;
}

/** Domain files that use Fastify (pages and routes do). */
export function domainUsingFastify(packages: ReadonlyMap<string, readonly string[]>): string[] {
  const found: string[] = [];
  for (const [from, names] of packages) {
    if (layerOf(from) !== 'domain') continue;
    for (const name of names) if (name === 'fastify' || name.startsWith('@fastify/')) found.push(`${from} -> ${name}`);
  }
  return found;
}

export const SRC = resolve(import.meta.dirname, '../../src');
