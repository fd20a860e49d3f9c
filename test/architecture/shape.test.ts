import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SRC } from './import-graph.ts';

/**
 * One shape for every feature (README, Architecture): page routes are written with the
 * page-route helper, and services own transactions.
 */
const files = (readdirSync(SRC, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => ({ path: relative(SRC, join(SRC, f)), text: readFileSync(join(SRC, f), 'utf8') }));

/** Routes that are not pages: the Query API's one endpoint and the metrics scrape. */
const NOT_PAGES = new Set(['query-api/query-api.routes.ts', 'metrics/metrics.routes.ts']);

const routes = files.filter((f) => f.path.endsWith('.routes.ts') && !NOT_PAGES.has(f.path));

function offenders(list: typeof files, pattern: RegExp): string[] {
  return list.filter((f) => pattern.test(f.text)).map((f) => f.path);
}

describe('the shape of the code', () => {
  it('finds the page routes it checks', () => {
    expect(routes.length).toBeGreaterThan(20);
  });

  it('registers every page route through the page-route helper', () => {
    expect(offenders(routes, /\bapp\.(get|post|put|delete|patch|route)\(/)).toEqual([]);
    expect(routes.filter((f) => !f.text.includes('pageRoutes(app, web)')).map((f) => f.path)).toEqual([]);
  });

  it('has no routes file with its own send helper or catch-and-redisplay', () => {
    expect(offenders(routes, /\b(const|function)\s+send\b/)).toEqual([]);
    expect(offenders(routes, /instanceof GatehouseError/)).toEqual([]);
    expect(offenders(routes, /\breadForm\(|\bassertCsrf\(|\bcsrfToken\(/)).toEqual([]);
  });

  it('opens transactions in services only: never in a repository, a route or a page', () => {
    const notServices = files.filter((f) => /\.(repository|routes|pages)\.ts$/.test(f.path));
    expect(notServices.length).toBeGreaterThan(40);
    expect(offenders(notServices, /\.transaction\(\)/)).toEqual([]);
  });
});
