import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, posix, relative, resolve } from 'node:path';

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
  if (file === 'app.ts' || file === 'runtime.ts' || top === 'query-api' || top === 'cli' || file.endsWith('.cli.ts')) return 'entry';
  if (file.endsWith('.routes.ts') || file.endsWith('.pages.ts')) return 'pages';
  return 'domain';
}

export function folderOf(file: string): string {
  return file.split('/')[0]!;
}

/** Import edges between files, by path relative to `src` (posix), each with the modules it names outside `src`. */
export interface ImportGraph {
  files: string[];
  imports: Map<string, string[]>;
  packages: Map<string, string[]>;
}

const SPECIFIERS = [
  // import … from '…', import type … from '…', export … from '…' (over several lines too)
  /^\s*(?:import|export)\s[^;'"]*?\sfrom\s*['"]([^'"]+)['"]/gm,
  // import '…' (for its effects)
  /^\s*import\s*['"]([^'"]+)['"]/gm,
  // import('…')
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
];

/** Every module `source` names in an import or re-export, type-only ones included. */
export function specifiersOf(source: string): string[] {
  const found = new Set<string>();
  for (const pattern of SPECIFIERS) for (const m of source.matchAll(pattern)) found.add(m[1]!);
  return [...found];
}

/** The import graph of every `.ts` file under `root` that is not a test. */
export function readImportGraph(root: string): ImportGraph {
  const files: string[] = [];
  (function walk(dir: string) {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith('.ts') && !name.endsWith('.test.ts')) files.push(relative(root, path).split('\\').join('/'));
    }
  })(root);
  files.sort();
  const imports = new Map<string, string[]>();
  const packages = new Map<string, string[]>();
  for (const file of files) {
    const local: string[] = [];
    const outside: string[] = [];
    for (const spec of specifiersOf(readFileSync(join(root, file), 'utf8'))) {
      if (!spec.startsWith('.')) {
        outside.push(spec);
        continue;
      }
      const target = relative(root, resolve(dirname(join(root, file)), spec)).split('\\').join('/');
      if (!existsSync(join(root, target))) throw new Error(`${file} imports ${spec}, which does not exist`);
      local.push(target);
    }
    imports.set(file, local);
    packages.set(file, outside);
  }
  return { files, imports, packages };
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
    for (const to of targets) if (rank(to) > rank(from)) found.push(`${from} (${layerOf(from)}) -> ${to} (${layerOf(to)})`);
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

/** Route and page files that reach a repository instead of calling a service. */
export function pagesReadingRepositories(imports: ReadonlyMap<string, readonly string[]>): string[] {
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
export { posix };
