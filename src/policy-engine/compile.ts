import type { PreparedContext } from './context.ts';
import { type Effect, type PolicyDocument, parsePolicyDocument } from './document.ts';
import { CONDITION_OPERATORS, type OperatorSpec, parseOperatorName } from './operators.ts';
import { arnMatcher } from './arn.ts';
import { type TemplatePart, hasVariables, parseTemplate, resolveTemplate } from './variables.ts';
import { type Matcher, type PatternPart, compileWildcard } from './wildcard.ts';

/**
 * A policy compiled once into matchers, so that evaluating a request does no parsing:
 * wildcards become prefix tests or regular expressions, CIDR ranges become bytes,
 * numbers and dates are parsed. Parts that hold policy variables are compiled per
 * distinct resolved value and remembered.
 */

/** Something built from a template; built once when the template has no variables. */
export class Resolvable<T> {
  readonly #parts: readonly TemplatePart[];
  readonly #build: (parts: PatternPart[]) => T;
  /** Set when the template has no variables. */
  readonly fixed: T | undefined;
  readonly #cache = new Map<string, T>();

  constructor(parts: readonly TemplatePart[], build: (parts: PatternPart[]) => T) {
    this.#parts = parts;
    this.#build = build;
    this.fixed = hasVariables(parts) ? undefined : build(parts as PatternPart[]);
  }

  /** What the template means in this request; null when a variable cannot be resolved. */
  get(context: PreparedContext, onMissing?: MissingSink): T | null {
    if (this.fixed !== undefined) return this.fixed;
    let key = '';
    for (const part of this.#parts) {
      if (part.kind !== 'variable') continue;
      const values = context.get(part.key);
      const value = values && values.length === 1 ? values[0]! : part.fallback;
      if (value === null) {
        onMissing?.add(part.name);
        return null;
      }
      key += `${value}\u0000`;
    }
    let built = this.#cache.get(key);
    if (built === undefined) {
      if (this.#cache.size >= 256) this.#cache.clear();
      built = this.#build(resolveTemplate(this.#parts, context)!);
      this.#cache.set(key, built);
    }
    return built;
  }
}

/** Collects the context keys a request lacked, by their names as the policy wrote them. */
export interface MissingSink {
  add(name: string): void;
}

const UNKNOWN_OPERATOR: OperatorSpec = {
  negated: false,
  variables: false,
  wildcards: false,
  prepare: () => () => false,
};

export interface CompiledCondition {
  /** The operator as written, e.g. `ForAllValues:StringLike`. */
  operator: string;
  /** The condition key as written, e.g. `aws:SourceIp`, and lower-cased for lookup. */
  name: string;
  key: string;
  spec: OperatorSpec;
  set: 'any' | 'all' | null;
  ifExists: boolean;
  /** For `Null`: for each value, whether it asks for the key to be absent. */
  nullExpectsAbsent: boolean[] | null;
  values: Resolvable<(contextValue: string) => boolean>[];
  /** The values' tests when none holds a variable, built once. */
  fixedTests: Array<(contextValue: string) => boolean> | null;
}

export interface CompiledStatement {
  index: number;
  sid: string | null;
  effect: Effect;
  /** Matchers of lower-cased action names: test them with `action.toLowerCase()`. */
  actions: Matcher[];
  notAction: boolean;
  resources: Resolvable<Matcher>[];
  notResource: boolean;
  conditions: CompiledCondition[];
}

export interface CompiledPolicy {
  document: PolicyDocument;
  statements: CompiledStatement[];
  /**
   * Every context key (lower-cased) a decision under this policy may read: its condition keys
   * and the variables in its resources and condition values. A decision depends on the action,
   * the resource and these keys' values, nothing else.
   */
  contextKeys: ReadonlySet<string>;
}

export function compilePolicy(document: PolicyDocument): CompiledPolicy {
  const variables = document.version === '2012-10-17';
  const contextKeys = new Set<string>();
  const template = (text: string, options: { variables: boolean; wildcards: boolean }): TemplatePart[] => {
    const parts = parseTemplate(text, options);
    for (const part of parts) if (part.kind === 'variable') contextKeys.add(part.key);
    return parts;
  };
  const statements = document.statements.map((statement, index): CompiledStatement => {
    const actionPatterns = statement.action ?? statement.notAction ?? [];
    const resourcePatterns = statement.resource ?? statement.notResource ?? [];
    const conditions: CompiledCondition[] = [];
    for (const [operator, keys] of Object.entries(statement.condition)) {
      // An operator IAM does not have tests nothing it could match.
      const parsed = parseOperatorName(operator) ?? { base: null, set: null, ifExists: false };
      const spec = parsed.base === null ? UNKNOWN_OPERATOR : CONDITION_OPERATORS[parsed.base];
      for (const [name, values] of Object.entries(keys)) {
        contextKeys.add(name.toLowerCase());
        const resolvables = values.map(
          (value) =>
            new Resolvable(
              spec.variables
                ? template(value, { variables, wildcards: spec.wildcards })
                : [{ kind: 'literal', text: value }],
              spec.prepare,
            ),
        );
        const fixed = resolvables.every((r) => r.fixed !== undefined) ? resolvables.map((r) => r.fixed!) : null;
        conditions.push({
          operator,
          name,
          key: name.toLowerCase(),
          spec,
          set: parsed.set,
          ifExists: parsed.ifExists,
          nullExpectsAbsent: parsed.base === 'Null' ? values.map((v) => v.toLowerCase() === 'true') : null,
          values: parsed.base === null ? [] : resolvables,
          fixedTests: parsed.base === null ? [] : fixed,
        });
      }
    }
    return {
      index,
      sid: statement.sid,
      effect: statement.effect,
      actions: actionPatterns.map((pattern) => compileWildcard(pattern.toLowerCase(), false)),
      notAction: statement.notAction !== null,
      resources: resourcePatterns.map(
        (pattern) => new Resolvable(template(pattern, { variables, wildcards: true }), arnMatcher),
      ),
      notResource: statement.notResource !== null,
      conditions,
    };
  });
  return { document, statements, contextKeys };
}

/**
 * Compiled policies by a key that changes whenever the document does (a managed policy's
 * ARN and version, an inline policy's revision), so a request never parses JSON.
 * Least recently used entries leave first once the cache is full.
 */
export class PolicyCache {
  readonly #entries = new Map<string, CompiledPolicy>();
  constructor(readonly capacity = 10_000) {}

  get(key: string, documentText: string): CompiledPolicy {
    const hit = this.#entries.get(key);
    if (hit) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    const compiled = compilePolicy(parsePolicyDocument(documentText));
    if (this.#entries.size >= this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
    this.#entries.set(key, compiled);
    return compiled;
  }

  get size(): number {
    return this.#entries.size;
  }
}
