import type { FastifyRequest } from 'fastify';
import { invalid } from '../shared/errors.ts';

/**
 * Parses an `application/x-www-form-urlencoded` body the way browsers encode it. Percent
 * escapes that are not UTF-8 (`%FF`) decode to U+FFFD, which `readForm` refuses; a parser
 * that kept them as literal text would let malformed input through looking like `%FF`.
 * A field sent more than once becomes an array, so `readForm` can refuse it.
 */
export function parseFormBody(text: string): Record<string, unknown> {
  const out: Record<string, string | string[]> = Object.create(null);
  for (const [key, value] of new URLSearchParams(text)) {
    const seen = out[key];
    if (seen === undefined) out[key] = value;
    else if (Array.isArray(seen)) seen.push(value);
    else out[key] = [seen, value];
  }
  return out;
}

/** How long each form field may be; a field not listed here is refused. */
export type FormSpec = Record<string, { max: number; optional?: boolean }>;

/**
 * Reads a urlencoded form strictly: every field at most once, valid UTF-8 text,
 * within its length, no unknown fields. Throws ValidationError naming the field.
 */
export function readForm<S extends FormSpec>(request: FastifyRequest, spec: S): { [K in keyof S]: string } {
  const body = request.body;
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw invalid('form', 'The form was empty or not sent as a form.');
  }
  const fields = body as Record<string, unknown>;
  const out: Record<string, string> = {};
  for (const key of Object.keys(fields)) {
    if (key === '_csrf') continue;
    if (!Object.hasOwn(spec, key))
      throw invalid(key.slice(0, 64), `The form has an unexpected field "${key.slice(0, 64)}".`);
  }
  for (const [name, rule] of Object.entries(spec)) {
    const value = fields[name];
    if (value === undefined) {
      if (rule.optional) {
        out[name] = '';
        continue;
      }
      throw invalid(name, `The form is missing the field "${name}".`);
    }
    if (Array.isArray(value)) throw invalid(name, `The field "${name}" was sent more than once.`);
    if (typeof value !== 'string') throw invalid(name, `The field "${name}" is not text.`);
    if (value.includes('\uFFFD')) throw invalid(name, `The field "${name}" is not valid UTF-8 text.`);
    if (value.length > rule.max)
      throw invalid(name, `The field "${name}" must be at most ${rule.max} characters long.`);
    out[name] = value;
  }
  return out as { [K in keyof S]: string };
}
