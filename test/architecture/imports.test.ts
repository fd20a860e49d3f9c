import { describe, expect, it } from 'vitest';
import {
  LAYERS,
  SRC,
  appImportedOutsideCli,
  cycles,
  dependencyCasts,
  domainUsingFastify,
  foldersBothWays,
  layerOf,
  pagesCallingRepositories,
  readImportGraph,
  referencesIn,
  routesImportedOutsideApp,
  upwardImports,
} from './import-graph.ts';

/**
 * Imports point down only (README, Architecture): shared → db → domain → web → pages →
 * entry. Type-only imports count like any other: a type names the module it comes from.
 */
describe('the import graph of src', () => {
  const graph = readImportGraph(SRC);

  it('is read whole: every layer has files, and type-only imports are edges too', () => {
    for (const layer of LAYERS)
      expect(graph.files.filter((f) => layerOf(f) === layer).length, layer).toBeGreaterThan(0);
    expect(graph.imports.get('app.ts')).toContain('web/web-context.ts');
    // `Deps` names the guard's type only: an edge of the graph, not a value import.
    expect(graph.imports.get('deps.ts')).toContain('guard/guard.ts');
    expect(graph.valueImports.get('deps.ts')).not.toContain('guard/guard.ts');
  });

  it('has no cycle', () => {
    expect(cycles(graph.imports)).toEqual([]);
  });

  it('has no import from a lower layer to a higher one', () => {
    expect(upwardImports(graph.imports)).toEqual([]);
  });

  it('has no two feature folders whose domain files import each other both ways', () => {
    expect(foldersBothWays(graph.imports)).toEqual([]);
  });

  it('has routes and pages call services, never repositories', () => {
    expect(pagesCallingRepositories(graph.valueImports)).toEqual([]);
  });

  it('has route plugins registered by app.ts alone, and app.ts built by the command line alone', () => {
    expect(routesImportedOutsideApp(graph.imports)).toEqual([]);
    expect(appImportedOutsideCli(graph.imports)).toEqual([]);
  });

  it('keeps Fastify out of the domain', () => {
    expect(domainUsingFastify(graph.packages)).toEqual([]);
  });

  it('reaches no dependency through a cast', () => {
    expect(dependencyCasts(graph.sources)).toEqual([]);
  });
});

/** Each rule on a small graph that breaks it, so a rule that could never fail would show here. */
describe('the import rules', () => {
  const graph = (edges: Record<string, string[]>) => new Map(Object.entries(edges));

  it('find files that import each other in a circle, however long', () => {
    const found = cycles(
      graph({ 'a/x.ts': ['b/y.ts'], 'b/y.ts': ['c/z.ts'], 'c/z.ts': ['a/x.ts'], 'd/w.ts': ['a/x.ts'] }),
    );
    expect(found).toEqual([['a/x.ts', 'b/y.ts', 'c/z.ts']]);
    expect(cycles(graph({ 'a/x.ts': ['a/x.ts'] }))).toEqual([['a/x.ts']]);
  });

  it('classify files by folder and role', () => {
    expect(
      ['shared/clock.ts', 'config/config.ts', 'db/schema.ts', 'deps.ts', 'users/user.service.ts', 'web/layout.ts'].map(
        layerOf,
      ),
    ).toEqual(['shared', 'shared', 'db', 'domain', 'domain', 'web']);
    expect(
      ['users/users.routes.ts', 'mfa/mfa.pages.ts', 'support/support.cli.ts', 'query-api/pipeline.ts', 'app.ts'].map(
        layerOf,
      ),
    ).toEqual(['pages', 'pages', 'entry', 'entry', 'entry']);
  });

  it('find an import that points up', () => {
    expect(
      upwardImports(
        graph({ 'shared/clock.ts': ['users/user.service.ts'], 'users/user.service.ts': ['shared/clock.ts'] }),
      ),
    ).toEqual(['shared/clock.ts (shared) -> users/user.service.ts (domain)']);
    expect(upwardImports(graph({ 'mfa/mfa.service.ts': ['web/layout.ts'] }))).toHaveLength(1);
    expect(upwardImports(graph({ 'mfa/mfa.routes.ts': ['web/layout.ts', 'mfa/mfa.service.ts'] }))).toEqual([]);
  });

  it('find feature folders that need each other, but not a feature using another one way', () => {
    const both = graph({
      'users/user.service.ts': ['mfa/mfa.repository.ts'],
      'mfa/mfa.service.ts': ['users/user.repository.ts'],
    });
    expect(foldersBothWays(both)).toHaveLength(1);
    // A page of one feature may show another's card while that feature's services use the first: pages are not the domain.
    const pagesOnly = graph({
      'users/users.routes.ts': ['mfa/mfa.pages.ts'],
      'mfa/mfa.service.ts': ['users/user.service.ts'],
    });
    expect(foldersBothWays(pagesOnly)).toEqual([]);
  });

  it('find routes that reach a repository, another routes file, or the app, and Fastify in the domain', () => {
    expect(pagesCallingRepositories(graph({ 'users/users.routes.ts': ['users/user.repository.ts'] }))).toHaveLength(1);
    expect(
      routesImportedOutsideApp(graph({ 'console/console.routes.ts': ['access-keys/access-key.routes.ts'] })),
    ).toHaveLength(1);
    expect(
      appImportedOutsideCli(graph({ 'access-keys/access-key.routes.ts': ['app.ts'], 'cli/serve.ts': ['app.ts'] })),
    ).toEqual(['access-keys/access-key.routes.ts -> app.ts']);
    expect(
      domainUsingFastify(graph({ 'throttle/signin-guard.ts': ['fastify'], 'signin/signin.routes.ts': ['fastify'] })),
    ).toHaveLength(1);
  });

  it('find a cast that reaches a dependency', () => {
    const casts = new Map([
      ['access-keys/access-key.routes.ts', 'const deps = web.deps as AppDeps;'],
      ['doctor/attempt-keys.ts', 'const key = (deps as Deps & { secretKey?: Buffer }).secretKey;'],
      ['mfa/mfa.routes.ts', 'const { deps } = web;'],
    ]);
    expect(dependencyCasts(casts)).toEqual([
      'access-keys/access-key.routes.ts: deps as AppDeps',
      'doctor/attempt-keys.ts: deps as Deps',
    ]);
  });

  it('read every form of import, and tell type-only ones', () => {
    const source = [
      "import type { Deps } from '../deps.ts';",
      "import { type A, type B } from './types.ts';",
      "import { type C, valueD } from './mixed.ts';",
      "export { thing } from './re-export.ts';",
      "import {\n  lineOne,\n  lineTwo,\n} from './multi-line.ts';",
      "import './side-effect.ts';",
      "const lazy = await import('./dynamic.ts');",
      "import Fastify from 'fastify';",
    ].join('\n');
    expect(referencesIn(source)).toEqual(
      expect.arrayContaining([
        { specifier: '../deps.ts', typeOnly: true },
        { specifier: './types.ts', typeOnly: true },
        { specifier: './mixed.ts', typeOnly: false },
        { specifier: './re-export.ts', typeOnly: false },
        { specifier: './multi-line.ts', typeOnly: false },
        { specifier: './side-effect.ts', typeOnly: false },
        { specifier: './dynamic.ts', typeOnly: false },
        { specifier: 'fastify', typeOnly: false },
      ]),
    );
    expect(referencesIn(source)).toHaveLength(8);
  });
});
