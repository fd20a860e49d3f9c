/**
 * Patterns with `*` (any run of characters, including none) and `?` (exactly one
 * character), as IAM uses them in Action, Resource and the *Like operators. A pattern
 * is a list of parts so that a literal `*` or `?` (written `${*}` / `${?}` in a policy,
 * or produced by a variable) never turns into a wildcard.
 */
export type PatternPart = { kind: 'literal'; text: string } | { kind: 'star' } | { kind: 'question' };

export interface Matcher {
  test(text: string): boolean;
}

const ANY: Matcher = { test: () => true };

/** Parts of a plain pattern string where every `*` and `?` is a wildcard. */
export function wildcardParts(pattern: string): PatternPart[] {
  const parts: PatternPart[] = [];
  let literal = '';
  for (const ch of pattern) {
    if (ch === '*' || ch === '?') {
      if (literal) parts.push({ kind: 'literal', text: literal });
      literal = '';
      parts.push(ch === '*' ? { kind: 'star' } : { kind: 'question' });
    } else {
      literal += ch;
    }
  }
  if (literal) parts.push({ kind: 'literal', text: literal });
  return parts;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Compiles parts to the cheapest matcher that answers correctly: everything, one exact
 * string, one prefix, or an anchored regular expression.
 */
export function compileParts(parts: readonly PatternPart[], ignoreCase: boolean): Matcher {
  const merged: PatternPart[] = [];
  for (const part of parts) {
    const last = merged[merged.length - 1];
    if (part.kind === 'literal' && last?.kind === 'literal')
      merged[merged.length - 1] = { kind: 'literal', text: last.text + part.text };
    else if (!(part.kind === 'star' && last?.kind === 'star')) merged.push(part);
  }
  if (merged.length === 1 && merged[0]!.kind === 'star') return ANY;
  const fold = (s: string) => (ignoreCase ? s.toLowerCase() : s);
  if (merged.every((p) => p.kind === 'literal')) {
    const exact = fold(merged.map((p) => (p as { text: string }).text).join(''));
    return { test: (text) => fold(text) === exact };
  }
  const [first, second] = merged;
  if (merged.length === 2 && first?.kind === 'literal' && second?.kind === 'star') {
    const prefix = fold(first.text);
    return { test: (text) => fold(text).startsWith(prefix) };
  }
  let source = '^';
  for (const part of merged) {
    if (part.kind === 'literal') source += escapeRegExp(part.text);
    else source += part.kind === 'star' ? '[\\s\\S]*' : '[\\s\\S]';
  }
  const regex = new RegExp(`${source}$`, ignoreCase ? 'i' : '');
  return { test: (text) => regex.test(text) };
}

export function compileWildcard(pattern: string, ignoreCase: boolean): Matcher {
  return compileParts(wildcardParts(pattern), ignoreCase);
}
