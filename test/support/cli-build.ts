import { mkdtempSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';

/**
 * The CLI compiled once into one file, for the tests that start it dozens of times.
 * `bin/gatehouse.js` compiles each of its modules on load through tsx's loader (well over a
 * second of CPU per start); this file starts in about half a second. Same sources, same compiler
 * (tsx uses esbuild too); each module keeps its own `import.meta.url`, so the files the code reads
 * beside its sources are found. Packages stay imports, resolved through a `node_modules` link
 * beside the file. Returns the file and a function that removes it.
 */
export async function buildCli(repoRoot: string): Promise<{ file: string; remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'gatehouse-cli-build-'));
  symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'), 'dir');
  const file = join(dir, 'gatehouse.mjs');
  await build({
    entryPoints: [join(repoRoot, 'src/cli/main.ts')],
    outfile: file,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
    plugins: [
      {
        // The repository's own workspace packages are TypeScript sources: bundled, not imported.
        name: 'workspace-sources',
        setup(esbuild) {
          esbuild.onResolve({ filter: /^@gatehouse\// }, ({ path }) => {
            const [scope, name, ...sub] = path.split('/');
            const manifest = JSON.parse(
              readFileSync(join(repoRoot, 'node_modules', scope!, name!, 'package.json'), 'utf8'),
            ) as { exports: Record<string, string> };
            const target = manifest.exports[sub.length > 0 ? `./${sub.join('/')}` : '.'];
            return { path: realpathSync(join(repoRoot, 'node_modules', scope!, name!, target!)) };
          });
        },
      },
      {
        name: 'own-import-meta-url',
        setup(esbuild) {
          esbuild.onLoad({ filter: /\.ts$/ }, async ({ path }) => {
            const source = await readFile(path, 'utf8');
            return {
              loader: 'ts',
              contents: source.replaceAll('import.meta.url', JSON.stringify(pathToFileURL(path).href)),
            };
          });
        },
      },
    ],
  });
  return { file, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
