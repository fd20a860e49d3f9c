import type { PreparedContext } from './context.ts';
import type { PatternPart } from './wildcard.ts';

/**
 * Policy variables (`${aws:username}`), with AWS's escapes `${*}`, `${?}`, `${$}` for a
 * literal `*`, `?` and `$`, and defaults `${aws:PrincipalTag/team, 'none'}` (a quote
 * inside a default is written twice). Names are case-insensitive. Only 2012-10-17
 * documents have variables; in older ones `${…}` is plain text. One pass only: a value
 * or default that itself looks like a variable stays as it is.
 */
export type TemplatePart = PatternPart | { kind: 'variable'; key: string; name: string; fallback: string | null };

const ESCAPES = new Map([
  ['*', '*'],
  ['?', '?'],
  ['$', '$'],
]);

function pushLiteral(parts: TemplatePart[], text: string): void {
  if (!text) return;
  const last = parts[parts.length - 1];
  if (last?.kind === 'literal') parts[parts.length - 1] = { kind: 'literal', text: last.text + text };
  else parts.push({ kind: 'literal', text });
}

/** Reads `${…}` starting at `start` (the `$`); null when it is not a well-formed variable. */
function readVariable(text: string, start: number): { part: TemplatePart; end: number } | null {
  const close = text.indexOf('}', start + 2);
  if (close < 0) return null;
  const inner = text.slice(start + 2, close);
  const escaped = ESCAPES.get(inner.trim());
  if (escaped !== undefined) return { part: { kind: 'literal', text: escaped }, end: close + 1 };
  const comma = inner.indexOf(',');
  if (comma < 0) {
    const name = inner.trim();
    if (!/^[^\s,'{}$]+$/.test(name)) return null;
    return { part: { kind: 'variable', key: name.toLowerCase(), name, fallback: null }, end: close + 1 };
  }
  const name = inner.slice(0, comma).trim();
  if (!/^[^\s,'{}$]+$/.test(name)) return null;
  let i = comma + 1;
  const body = text.slice(start + 2);
  while (body[i] === ' ') i++;
  if (body[i] !== "'") return null;
  i++;
  let fallback = '';
  for (;;) {
    if (i >= body.length) return null;
    if (body[i] === "'") {
      if (body[i + 1] === "'") {
        fallback += "'";
        i += 2;
        continue;
      }
      i++;
      break;
    }
    fallback += body[i];
    i++;
  }
  while (body[i] === ' ') i++;
  if (body[i] !== '}') return null;
  return { part: { kind: 'variable', key: name.toLowerCase(), name, fallback }, end: start + 2 + i + 1 };
}

export function parseTemplate(text: string, options: { variables: boolean; wildcards: boolean }): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let literal = '';
  for (let i = 0; i < text.length; ) {
    const ch = text[i]!;
    if (options.variables && ch === '$' && text[i + 1] === '{') {
      const variable = readVariable(text, i);
      if (variable) {
        pushLiteral(parts, literal);
        literal = '';
        if (variable.part.kind === 'literal') pushLiteral(parts, variable.part.text);
        else parts.push(variable.part);
        i = variable.end;
        continue;
      }
    }
    if (options.wildcards && (ch === '*' || ch === '?')) {
      pushLiteral(parts, literal);
      literal = '';
      parts.push(ch === '*' ? { kind: 'star' } : { kind: 'question' });
    } else {
      literal += ch;
    }
    i++;
  }
  pushLiteral(parts, literal);
  return parts;
}

export function hasVariables(parts: readonly TemplatePart[]): boolean {
  return parts.some((p) => p.kind === 'variable');
}

/**
 * Substitutes variables from the context. A variable whose key is absent or has several
 * values, and has no default, cannot be resolved: the result is null and `onMissing`
 * hears the key's name.
 */
export function resolveTemplate(
  parts: readonly TemplatePart[],
  context: PreparedContext,
  onMissing?: (name: string) => void,
): PatternPart[] | null {
  const out: PatternPart[] = [];
  let ok = true;
  for (const part of parts) {
    if (part.kind !== 'variable') {
      out.push(part);
      continue;
    }
    const values = context.get(part.key);
    if (values && values.length === 1) out.push({ kind: 'literal', text: values[0]! });
    else if (part.fallback !== null) out.push({ kind: 'literal', text: part.fallback });
    else {
      onMissing?.(part.name);
      ok = false;
    }
  }
  return ok ? out : null;
}
