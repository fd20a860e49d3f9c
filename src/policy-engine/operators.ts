import { arnMatcher } from './arn.ts';
import { cidrContains, parseCidr, parseIp } from './ip.ts';
import { type PatternPart, compileParts } from './wildcard.ts';

/**
 * The condition operators of IAM. Each is described once: whether it negates, whether
 * its values may hold policy variables and wildcards, and how a prepared policy value
 * tests one context value. IAM does not check values when a policy is written, so a value
 * an operator cannot read (a number that is not one, a malformed address) matches nothing.
 * Negated operators are written as the positive test plus `negated`, so that "matches
 * none of the values" (AWS's NOR) is computed in one place.
 */
export interface OperatorSpec {
  negated: boolean;
  /** Policy variables are substituted in values (2012-10-17 documents only). */
  variables: boolean;
  /** `*` and `?` in values are wildcards. */
  wildcards: boolean;
  /** Prepares one policy value (as pattern parts) into a test of one context value. */
  prepare: (parts: PatternPart[]) => (contextValue: string) => boolean;
}

function text(parts: PatternPart[]): string {
  return parts.map((p) => (p.kind === 'literal' ? p.text : p.kind === 'star' ? '*' : '?')).join('');
}

/** Seconds since the epoch (as `aws:EpochTime` gives them) or an ISO 8601 date; NaN otherwise. */
export function parseDate(value: string): number {
  const trimmed = value.trim();
  if (/^-?\d+(?:\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  if (!/^\d{4}-\d{2}-\d{2}/.test(trimmed)) return Number.NaN;
  return Date.parse(trimmed);
}

function parseNumber(value: string): number {
  const trimmed = value.trim();
  return trimmed === '' ? Number.NaN : Number(trimmed);
}

const NEVER = () => false;

const stringEquals = (ignoreCase: boolean) => (parts: PatternPart[]) => {
  const expected = ignoreCase ? text(parts).toLowerCase() : text(parts);
  return ignoreCase ? (v: string) => v.toLowerCase() === expected : (v: string) => v === expected;
};

const stringLike = (parts: PatternPart[]) => {
  const matcher = compileParts(parts, false);
  return (v: string) => matcher.test(v);
};

const numeric = (compare: (a: number, b: number) => boolean) => ({
  variables: false,
  wildcards: false,
  prepare: (parts: PatternPart[]) => {
    const expected = parseNumber(text(parts));
    if (Number.isNaN(expected)) return NEVER;
    return (v: string) => {
      const actual = parseNumber(v);
      return !Number.isNaN(actual) && compare(actual, expected);
    };
  },
});

const date = (compare: (a: number, b: number) => boolean) => ({
  variables: false,
  wildcards: false,
  prepare: (parts: PatternPart[]) => {
    const expected = parseDate(text(parts));
    if (Number.isNaN(expected)) return NEVER;
    return (v: string) => {
      const actual = parseDate(v);
      return !Number.isNaN(actual) && compare(actual, expected);
    };
  },
});

// A request carries one source address that every range of every policy is tested
// against: parsing it once per distinct value saves most of an IpAddress test.
let lastIpText: string | null = null;
let lastIp: Uint8Array | null = null;
function parseIpCached(text: string): Uint8Array | null {
  if (text !== lastIpText) {
    lastIp = parseIp(text);
    lastIpText = text;
  }
  return lastIp;
}

const ip = {
  variables: false,
  wildcards: false,
  prepare: (parts: PatternPart[]) => {
    const range = parseCidr(text(parts));
    if (range === null) return NEVER;
    return (v: string) => {
      const address = parseIpCached(v);
      return address !== null && cidrContains(range, address);
    };
  },
};

const arn = {
  variables: true,
  wildcards: true,
  prepare: (parts: PatternPart[]) => {
    const matcher = arnMatcher(parts);
    return (v: string) => matcher.test(v);
  },
};

const BASE_OPERATORS = {
  StringEquals: { negated: false, variables: true, wildcards: false, prepare: stringEquals(false) },
  StringNotEquals: { negated: true, variables: true, wildcards: false, prepare: stringEquals(false) },
  StringEqualsIgnoreCase: { negated: false, variables: true, wildcards: false, prepare: stringEquals(true) },
  StringNotEqualsIgnoreCase: { negated: true, variables: true, wildcards: false, prepare: stringEquals(true) },
  StringLike: { negated: false, variables: true, wildcards: true, prepare: stringLike },
  StringNotLike: { negated: true, variables: true, wildcards: true, prepare: stringLike },
  NumericEquals: { negated: false, ...numeric((a, b) => a === b) },
  NumericNotEquals: { negated: true, ...numeric((a, b) => a === b) },
  NumericLessThan: { negated: false, ...numeric((a, b) => a < b) },
  NumericLessThanEquals: { negated: false, ...numeric((a, b) => a <= b) },
  NumericGreaterThan: { negated: false, ...numeric((a, b) => a > b) },
  NumericGreaterThanEquals: { negated: false, ...numeric((a, b) => a >= b) },
  DateEquals: { negated: false, ...date((a, b) => a === b) },
  DateNotEquals: { negated: true, ...date((a, b) => a === b) },
  DateLessThan: { negated: false, ...date((a, b) => a < b) },
  DateLessThanEquals: { negated: false, ...date((a, b) => a <= b) },
  DateGreaterThan: { negated: false, ...date((a, b) => a > b) },
  DateGreaterThanEquals: { negated: false, ...date((a, b) => a >= b) },
  Bool: { negated: false, variables: true, wildcards: false, prepare: stringEquals(true) },
  BinaryEquals: {
    negated: false,
    variables: false,
    wildcards: false,
    prepare: (parts: PatternPart[]) => {
      const expected = Buffer.from(text(parts), 'base64');
      return (v: string) => Buffer.from(v, 'base64').equals(expected);
    },
  },
  IpAddress: { negated: false, ...ip },
  NotIpAddress: { negated: true, ...ip },
  ArnEquals: { negated: false, ...arn },
  ArnLike: { negated: false, ...arn },
  ArnNotEquals: { negated: true, ...arn },
  ArnNotLike: { negated: true, ...arn },
  /** Handled apart from the others: it tests whether the key is there at all. */
  Null: {
    negated: false,
    variables: false,
    wildcards: false,
    prepare: () => () => false,
  },
} satisfies Record<string, OperatorSpec>;

export type BaseOperator = keyof typeof BASE_OPERATORS;
export const CONDITION_OPERATORS: Record<BaseOperator, OperatorSpec> = BASE_OPERATORS;

const BY_LOWER_NAME = new Map(Object.keys(BASE_OPERATORS).map((name) => [name.toLowerCase(), name as BaseOperator]));

export interface ParsedOperator {
  base: BaseOperator;
  /** `ForAnyValue:` / `ForAllValues:`; null for a single-valued test. */
  set: 'any' | 'all' | null;
  /** `…IfExists`: true when the key is absent. */
  ifExists: boolean;
}

/**
 * `ForAnyValue:StringLikeIfExists` → its parts; null for an operator IAM does not have.
 * Names are matched ignoring case: documents stored before the grammar checked case keep
 * their meaning (the grammar refuses other spellings on write).
 */
export function parseOperatorName(name: string): ParsedOperator | null {
  let rest = name;
  let set: ParsedOperator['set'] = null;
  const colon = rest.indexOf(':');
  if (colon >= 0) {
    const qualifier = rest.slice(0, colon).toLowerCase();
    if (qualifier === 'foranyvalue') set = 'any';
    else if (qualifier === 'forallvalues') set = 'all';
    else return null;
    rest = rest.slice(colon + 1);
  }
  let ifExists = false;
  if (rest.toLowerCase().endsWith('ifexists')) {
    ifExists = true;
    rest = rest.slice(0, -'ifexists'.length);
  }
  const base = BY_LOWER_NAME.get(rest.toLowerCase());
  if (!base) return null;
  return { base, set, ifExists };
}
