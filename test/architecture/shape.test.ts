import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SRC } from './import-graph.ts';

/**
 * One shape for every feature (README, Architecture): page routes are written with the
 * page-route helper, services own transactions, and repositories hand out camelCase records.
 */
const files = (readdirSync(SRC, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
  .map((f) => ({ path: relative(SRC, join(SRC, f)), text: readFileSync(join(SRC, f), 'utf8') }));

/** Routes that are not pages: the Query API's one endpoint, the authorization API's, the metrics scrape and the session API's JSON. */
const NOT_PAGES = new Set([
  'query-api/query-api.routes.ts',
  'authorize-request/authorize-request.routes.ts',
  'metrics/metrics.routes.ts',
  'sessions/session-api.routes.ts',
]);

const routes = files.filter((f) => f.path.endsWith('.routes.ts') && !NOT_PAGES.has(f.path));

function offenders(list: typeof files, pattern: RegExp): string[] {
  return list.filter((f) => pattern.test(f.text)).map((f) => f.path);
}

/**
 * A snake_case name read as a property (`row.event_name`, `e?.actor_id`, `rows[0]!.created_at`,
 * `row['source_ip']`) or destructured (`const { prev_hash } = row`): a table's column, read
 * outside the repository that should have mapped it to a camelCase record.
 */
const SNAKE = '[a-z][a-z0-9]*_[a-z0-9_]*[a-z0-9]';
const SNAKE_PROPERTY = new RegExp(`(?<=[\\w$)\\]!?])(?:\\.|\\[\\s*['"\`])(${SNAKE})\\b`, 'g');
const DESTRUCTURING = /\b(?:const|let|var)\s*\{[^{}=]*\}\s*=/g;
const DESTRUCTURED_KEY = new RegExp(`(?<=[{,]\\s*)(${SNAKE})(?=\\s*[:,}])`, 'g');

/**
 * Snake_case names that belong to formats other programs define, not to our tables: reading
 * them is no raw row leaking out. Name each one exactly, with its format. (CloudTrail records
 * need no entry: their keys are camelCase. SQL needs none: only repositories and `src/db` hold it.)
 */
const EXTERNAL_FORMATS = new Map<string, string>(
  [
    'user_creation_time',
    'password_enabled',
    'password_last_used',
    'password_last_changed',
    'password_next_rotation',
    'mfa_active',
    ...[1, 2].flatMap((n) => [
      `access_key_${n}_active`,
      `access_key_${n}_last_rotated`,
      `access_key_${n}_last_used_date`,
      `access_key_${n}_last_used_region`,
      `access_key_${n}_last_used_service`,
      `cert_${n}_active`,
      `cert_${n}_last_rotated`,
    ]),
  ]
    .map((column): [string, string] => [column, "the AWS credential report's CSV header (GetCredentialReport)"])
    .concat(
      ['preferred_username', 'email_verified', 'error_description', 'grant_type', 'client_id', 'max_age', 'acr_values']
        .map((name): [string, string] => [name, 'an OpenID Connect parameter or claim (src/oidc)'])
        .concat([['jwks_uri', "an OpenID Connect discovery document's key set URL (src/caches/issuer-key-cache.ts)"]]),
    ),
);

/** `path:line: name` for every snake_case property read, comments aside. */
function snakeCaseReads(list: typeof files): string[] {
  const found: string[] = [];
  for (const f of list) {
    // Comments may name columns (`login_profiles.user_id`); only code counts. Only comments that
    // open a line are dropped, so a `/*` inside a string (an ARN pattern) hides no code.
    const code = f.text.replace(/^\s*\/\*[\s\S]*?\*\//gm, (c) => c.replace(/[^\n]/g, ' ')).replace(/^\s*\/\/.*$/gm, '');
    const lineOf = (index: number) => code.slice(0, index).split('\n').length;
    const report = (name: string, index: number) => {
      if (!EXTERNAL_FORMATS.has(name)) found.push(`${f.path}:${lineOf(index)}: ${name}`);
    };
    for (const m of code.matchAll(SNAKE_PROPERTY)) report(m[1]!, m.index);
    for (const d of code.matchAll(DESTRUCTURING)) {
      for (const k of d[0].matchAll(DESTRUCTURED_KEY)) report(k[1]!, d.index + k.index);
    }
  }
  return found;
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

  it('reads records in camelCase: only repositories and src/db name a snake_case column', () => {
    // The check itself: each way a raw row shows is caught; camelCase, comments and external formats are not.
    const probe = (text: string) => snakeCaseReads([{ path: 'probe.ts', text }]);
    expect(
      probe(
        "e.event_name; e?.actor_id; rows[0]!.created_at; f(x).source_ip; r['user_agent'];\nconst { prev_hash, seq: _seq } = r;",
      ),
    ).toEqual([
      'probe.ts:1: event_name',
      'probe.ts:1: actor_id',
      'probe.ts:1: created_at',
      'probe.ts:1: source_ip',
      'probe.ts:1: user_agent',
      'probe.ts:2: prev_hash',
    ]);
    expect(
      probe(
        "e.eventName; const { prevHash } = r;\n// reads login_profiles.user_id\n/** a.b_c */ row.password_enabled; 'a_b';",
      ),
    ).toEqual([]);

    const readers = files.filter((f) => !f.path.endsWith('.repository.ts') && !f.path.startsWith('db/'));
    expect(readers.length).toBeGreaterThan(100);
    expect(snakeCaseReads(readers)).toEqual([]);
  });
});
