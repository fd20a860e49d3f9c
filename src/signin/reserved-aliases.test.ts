import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { RESERVED_ALIASES } from '../shared/validation.ts';

describe('reserved aliases', () => {
  let t: TestContext;
  beforeAll(async () => {
    t = await createTestContext('sqlite');
  });
  afterAll(() => t.close());

  it('reserves every /signin/<word> page, so no alias can shadow one', () => {
    const words = new Set<string>();
    for (const path of routePaths(t.app.printRoutes({ commonPrefix: false }))) {
      const match = /^\/signin\/([a-z-]+)(?:\/|$)/.exec(path);
      if (match) words.add(match[1]!);
    }
    expect([...words]).toEqual(expect.arrayContaining(['root', 'forgot', 'mfa', 'mfa-help', 'find-account']));
    for (const word of words) expect(RESERVED_ALIASES.has(word), `/signin/${word} is not reserved`).toBe(true);
  });
});

/** Full paths from Fastify's route tree: each line's segment appended to its parent's path. */
function routePaths(tree: string): string[] {
  const stack: string[] = [];
  const paths: string[] = [];
  for (const line of tree.split('\n')) {
    const at = line.indexOf('── ');
    if (at === -1) continue;
    const depth = Math.floor((at - 1) / 4);
    const segment = line.slice(at + 3).replace(/ \(.*$/, '');
    stack.length = depth;
    const parent = stack[depth - 1] ?? '';
    const path =
      parent.endsWith('/') || segment.startsWith('/') || segment.startsWith('-') || parent === ''
        ? parent + segment
        : `${parent}/${segment}`;
    stack[depth] = path;
    paths.push(path);
  }
  return paths;
}
