import { type Matcher, type PatternPart, compileParts } from './wildcard.ts';

/**
 * ARN matching as IAM does it: the six colon-separated components
 * (`arn:partition:service:region:account:resource`) are compared one by one, each with
 * `*`/`?` wildcards, case-sensitively; the resource component keeps any colons of its own.
 * A pattern that is `*` alone matches every resource.
 */

const ANY: Matcher = { test: () => true };

/** The six components of an ARN, or null when it has fewer. */
export function splitArn(arn: string): string[] | null {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < 5; i++) {
    const colon = arn.indexOf(':', start);
    if (colon < 0) return null;
    parts.push(arn.slice(start, colon));
    start = colon + 1;
  }
  parts.push(arn.slice(start));
  return parts;
}

/** Splits pattern parts into ARN components at the first five literal colons. */
function splitParts(parts: readonly PatternPart[]): PatternPart[][] {
  const segments: PatternPart[][] = [[]];
  for (const part of parts) {
    if (part.kind !== 'literal' || segments.length === 6) {
      segments[segments.length - 1]!.push(part);
      continue;
    }
    let rest = part.text;
    let colon = rest.indexOf(':');
    while (colon >= 0 && segments.length < 6) {
      if (colon > 0) segments[segments.length - 1]!.push({ kind: 'literal', text: rest.slice(0, colon) });
      segments.push([]);
      rest = rest.slice(colon + 1);
      colon = rest.indexOf(':');
    }
    if (rest) segments[segments.length - 1]!.push({ kind: 'literal', text: rest });
  }
  return segments;
}

export function arnMatcher(parts: readonly PatternPart[]): Matcher {
  if (parts.length > 0 && parts.every((p) => p.kind === 'star')) return ANY;
  const segments = splitParts(parts);
  if (segments.length < 6) {
    // Not an ARN shape: compare the whole string, so a malformed pattern still means what it says.
    const whole = compileParts(parts, false);
    return whole;
  }
  const matchers = segments.map((segment) =>
    segment.length === 0 ? compileParts([{ kind: 'literal', text: '' }], false) : compileParts(segment, false),
  );
  return {
    test(arn: string): boolean {
      const components = splitArn(arn);
      if (!components) return false;
      for (let i = 0; i < 6; i++) if (!matchers[i]!.test(components[i]!)) return false;
      return true;
    },
  };
}
