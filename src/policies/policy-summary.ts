import { type Effect, type PolicyStatement, parsePolicyDocument } from '../policy-engine/document.ts';
import { ACTION_CATALOG, expandActionPattern } from './action-catalog.ts';

/**
 * A policy document read as a person reads it: per service, what each statement allows or
 * denies, on which resources, under which conditions. Wildcards over IAM and STS are
 * expanded through the action catalogue (`iam:List*` names 30-odd real actions); other
 * services' actions are shown as written, since the catalogue does not know them. It
 * describes; it never decides: the policy engine alone says what a request may do.
 */

/** Which resources a statement covers. */
export type ResourceScope =
  | { kind: 'all' }
  | { kind: 'listed'; arns: string[] }
  /** `NotResource`: every resource but these. */
  | { kind: 'allExcept'; arns: string[] };

export interface ConditionTest {
  /** As written, qualifiers and `IfExists` included (`ForAnyValue:StringLike`). */
  operator: string;
  key: string;
  values: string[];
}

/** What one statement says about one service's actions. */
export interface ActionRule {
  effect: Effect;
  statement: { index: number; sid: string | null };
  /** Every action of the service, some of them, or (`NotAction`) all but some. */
  scope: 'all' | 'some' | 'allExcept';
  /** The action patterns as the statement writes them, for this service. */
  patterns: string[];
  /**
   * The catalogued actions the patterns name, in the catalogue's order (for `allExcept`: the
   * ones left out); null where the catalogue does not know the service, or the rule is about all its actions.
   */
  actions: string[] | null;
  /** Patterns of a catalogued service that name none of its actions (a typo, or an action IAM added since). */
  unrecognized: string[];
  resources: ResourceScope;
  conditions: ConditionTest[];
}

export interface ServiceSummary {
  /** The service prefix in lower case (`iam`, `s3`), or `*` for rules about every service. */
  service: string;
  /** How many actions the catalogue knows for the service; null when it does not know it. */
  catalogued: number | null;
  rules: ActionRule[];
}

/** Every service first, then by prefix. */
function byService(a: ServiceSummary, b: ServiceSummary): number {
  if (a.service === '*' || b.service === '*') return a.service === '*' ? -1 : 1;
  return a.service.localeCompare(b.service);
}

function serviceOf(pattern: string): string {
  const colon = pattern.indexOf(':');
  return colon < 0 ? '*' : pattern.slice(0, colon).toLowerCase();
}

function resourcesOf(statement: PolicyStatement): ResourceScope {
  if (statement.notResource) return { kind: 'allExcept', arns: statement.notResource };
  const arns = statement.resource ?? [];
  return arns.includes('*') ? { kind: 'all' } : { kind: 'listed', arns };
}

function conditionsOf(statement: PolicyStatement): ConditionTest[] {
  return Object.entries(statement.condition).flatMap(([operator, block]) =>
    Object.entries(block).map(([key, values]) => ({ operator, key, values })),
  );
}

/** The catalogued actions the patterns name, each once, in the catalogue's order; null for a service it does not know. */
function expand(service: string, patterns: string[]): { actions: string[] | null; unrecognized: string[] } {
  const known = ACTION_CATALOG.get(service);
  if (!known) return { actions: null, unrecognized: [] };
  const named = new Set<string>();
  const unrecognized: string[] = [];
  for (const pattern of patterns) {
    const found = expandActionPattern(pattern) ?? [];
    if (found.length === 0) unrecognized.push(pattern);
    for (const action of found) named.add(action);
  }
  return { actions: known.map((name) => `${service}:${name}`).filter((a) => named.has(a)), unrecognized };
}

/** The rules one statement makes, one per service its actions name. */
function rulesOf(statement: PolicyStatement, index: number): Array<{ service: string; rule: ActionRule }> {
  const common = {
    effect: statement.effect,
    statement: { index, sid: statement.sid },
    resources: resourcesOf(statement),
    conditions: conditionsOf(statement),
  };
  if (statement.notAction) {
    // All but some: one rule about every service, naming what is left out.
    const left = statement.notAction.flatMap((p) => expandActionPattern(p) ?? []);
    return [
      {
        service: '*',
        rule: {
          ...common,
          scope: 'allExcept',
          patterns: statement.notAction,
          actions: left.length > 0 ? left : null,
          unrecognized: [],
        },
      },
    ];
  }
  const byPrefix = new Map<string, string[]>();
  for (const pattern of statement.action ?? []) {
    const service = serviceOf(pattern);
    byPrefix.set(service, [...(byPrefix.get(service) ?? []), pattern]);
  }
  return [...byPrefix].map(([service, patterns]) => {
    const everything = service === '*' || patterns.some((p) => p.slice(p.indexOf(':') + 1) === '*');
    if (everything) return { service, rule: { ...common, scope: 'all', patterns, actions: null, unrecognized: [] } };
    return { service, rule: { ...common, scope: 'some', patterns, ...expand(service, patterns) } };
  });
}

/**
 * The document's statements grouped by service. Reads any document the engine reads (every
 * stored policy); throws MalformedPolicyDocument only for text that is no policy at all.
 */
export function summarizePolicy(text: string): ServiceSummary[] {
  const services = new Map<string, ServiceSummary>();
  for (const [index, statement] of parsePolicyDocument(text).statements.entries()) {
    for (const { service, rule } of rulesOf(statement, index)) {
      const summary = services.get(service) ?? {
        service,
        catalogued: ACTION_CATALOG.get(service)?.length ?? null,
        rules: [],
      };
      summary.rules.push(rule);
      services.set(service, summary);
    }
  }
  return [...services.values()].sort(byService);
}
