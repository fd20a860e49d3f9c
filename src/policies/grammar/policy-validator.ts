import { GatehouseError } from '../../shared/errors.ts';
import { isLegacyDate } from './legacy-dates.ts';
import { POLICY_MESSAGES } from './messages.ts';
import { readsAsLegacyArn, resourceFormatProblem } from './resource-format.ts';

/**
 * The IAM JSON policy grammar, checked the way IAM checks it when a document is written:
 * the same decisions (what is accepted, what is refused) and the same words, in the same
 * order of checks, because a document has one answer however many things are wrong with
 * it. Evaluation never comes here: the engine reads documents this module has accepted.
 *
 * The order, as IAM applies it:
 *  1. syntax — JSON, elements, types, Effect, condition operators ("Syntax errors in policy.");
 *  2. Version 2012-10-17 (identity policies);
 *  3. no Principal (identity policies);
 *  4. the legacy parser — exact Effect, Date condition values, then ARN formats and the old ARN reader;
 *  5. Sid characters, then Sid uniqueness;
 *  6. every statement has actions, then resources;
 *  7. the first ARN format problem found in step 4;
 *  8. every action has one vendor prefix.
 * Trust policies (a role's AssumeRolePolicyDocument) take steps 1, 4 and 5, then their own rules.
 */

export type PolicyKind = 'identity' | 'trust';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

/** The operators IAM knows; each may take `ForAnyValue:`/`ForAllValues:` before it and `IfExists` after it. */
export const CONDITION_OPERATOR_NAMES = [
  'StringEquals',
  'StringNotEquals',
  'StringEqualsIgnoreCase',
  'StringNotEqualsIgnoreCase',
  'StringLike',
  'StringNotLike',
  'NumericEquals',
  'NumericNotEquals',
  'NumericLessThan',
  'NumericLessThanEquals',
  'NumericGreaterThan',
  'NumericGreaterThanEquals',
  'DateEquals',
  'DateNotEquals',
  'DateLessThan',
  'DateLessThanEquals',
  'DateGreaterThan',
  'DateGreaterThanEquals',
  'Bool',
  'BinaryEquals',
  'IpAddress',
  'NotIpAddress',
  'ArnEquals',
  'ArnLike',
  'ArnNotEquals',
  'ArnNotLike',
  'Null',
] as const;

const TOP_LEVEL = new Set(['Version', 'Id', 'Statement', 'Conditions']);
const STATEMENT_ELEMENTS = new Set([
  'Sid',
  'Effect',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
  'Principal',
  'NotPrincipal',
]);
const VERSIONS = new Set(['2008-10-17', '2012-10-17']);
const SID = /^[0-9A-Za-z]*$/;
const VENDOR = /^[A-Za-z0-9.-]*$/;
/** What a trust policy may allow or deny: assuming the role, and what comes with a session. */
const TRUST_ACTIONS = [
  'sts:AssumeRole',
  'sts:AssumeRoleWithSAML',
  'sts:AssumeRoleWithWebIdentity',
  'sts:TagSession',
  'sts:SetSourceIdentity',
  'sts:SetContext',
];

class Refusal extends Error {}

function refuse(message: string): never {
  throw new Refusal(message);
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isStringOrStrings(value: Json | undefined): boolean {
  return typeof value === 'string' || (Array.isArray(value) && value.every((item) => typeof item === 'string'));
}

function isScalar(value: Json): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** `ForAllValues:StringLikeIfExists` → `StringLike`: one qualifier and one suffix come off, case as written. */
export function baseOperatorName(operator: string): string {
  let name = operator;
  for (const qualifier of ['ForAnyValue:', 'ForAllValues:']) {
    if (name.startsWith(qualifier)) {
      name = name.slice(qualifier.length);
      break;
    }
  }
  return name.endsWith('IfExists') ? name.slice(0, -'IfExists'.length) : name;
}

function isKnownOperator(operator: string): boolean {
  return (CONDITION_OPERATOR_NAMES as readonly string[]).includes(baseOperatorName(operator));
}

function asList(value: Json | undefined): Json[] {
  return Array.isArray(value) ? value : value === undefined ? [] : [value];
}

function checkPrincipalSyntax(value: Json | undefined): void {
  if (value === undefined || value === '*') return;
  if (!isObject(value)) refuse(POLICY_MESSAGES.syntax);
  for (const principals of Object.values(value)) if (!isStringOrStrings(principals)) refuse(POLICY_MESSAGES.syntax);
}

function checkConditionSyntax(condition: Json | undefined, kind: PolicyKind): void {
  if (condition === undefined) return;
  if (!isObject(condition)) refuse(POLICY_MESSAGES.syntax);
  for (const [operator, block] of Object.entries(condition)) {
    if (!isObject(block)) refuse(POLICY_MESSAGES.syntax);
    for (const value of Object.values(block)) {
      if (!(isScalar(value) || (Array.isArray(value) && value.every(isScalar)))) refuse(POLICY_MESSAGES.syntax);
    }
    // An operator IAM does not know is only an error when it tests something.
    if (!isKnownOperator(operator) && Object.keys(block).length > 0) {
      refuse(kind === 'trust' ? POLICY_MESSAGES.trustConditionType(operator) : POLICY_MESSAGES.syntax);
    }
  }
}

function checkStatementSyntax(statement: Json, kind: PolicyKind): asserts statement is JsonObject {
  if (!isObject(statement)) refuse(POLICY_MESSAGES.syntax);
  for (const element of Object.keys(statement)) if (!STATEMENT_ELEMENTS.has(element)) refuse(POLICY_MESSAGES.syntax);
  if ('Resource' in statement && 'NotResource' in statement) refuse(POLICY_MESSAGES.syntax);
  if ('Action' in statement && 'NotAction' in statement) refuse(POLICY_MESSAGES.syntax);
  const effect = statement.Effect;
  if (typeof effect !== 'string' || !['allow', 'deny'].includes(effect.toLowerCase())) refuse(POLICY_MESSAGES.syntax);
  for (const element of ['Action', 'NotAction', 'Resource', 'NotResource']) {
    if (element in statement && !isStringOrStrings(statement[element])) refuse(POLICY_MESSAGES.syntax);
  }
  checkPrincipalSyntax(statement.Principal);
  checkPrincipalSyntax(statement.NotPrincipal);
  checkConditionSyntax(statement.Condition, kind);
  if ('Sid' in statement && typeof statement.Sid !== 'string') refuse(POLICY_MESSAGES.syntax);
}

/** Step 1: the document's shape. Returns its statements, a lone statement as a list of one. */
function checkSyntax(text: string, kind: PolicyKind): { document: JsonObject; statements: JsonObject[] } {
  let document: Json;
  try {
    document = JSON.parse(text) as Json;
  } catch {
    refuse(kind === 'trust' ? POLICY_MESSAGES.trustJson : POLICY_MESSAGES.syntax);
  }
  if (!isObject(document)) refuse(POLICY_MESSAGES.syntax);
  for (const element of Object.keys(document)) if (!TOP_LEVEL.has(element)) refuse(POLICY_MESSAGES.syntax);
  if ('Version' in document && !(typeof document.Version === 'string' && VERSIONS.has(document.Version)))
    refuse(POLICY_MESSAGES.syntax);
  if ('Id' in document && typeof document.Id !== 'string') refuse(POLICY_MESSAGES.syntax);
  const statement = document.Statement;
  if (!isObject(statement) && !Array.isArray(statement)) refuse(POLICY_MESSAGES.syntax);
  const statements = Array.isArray(statement) ? statement : [statement];
  if (statements.length === 0) refuse(POLICY_MESSAGES.syntax);
  for (const s of statements) checkStatementSyntax(s, kind);
  return { document, statements: statements as JsonObject[] };
}

/**
 * Step 4. Returns the ARN format problem to report at step 7, if any. IAM reads Resource
 * elements before NotResource elements, each list from its greatest string to its least,
 * and reports the last problem it met; the old ARN reader runs on a statement's list only
 * while no problem has been met.
 */
function checkLegacy(statements: JsonObject[]): string | null {
  for (const statement of statements) {
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') refuse(POLICY_MESSAGES.legacy);
    const condition = statement.Condition;
    if (!isObject(condition)) continue;
    for (const [operator, block] of Object.entries(condition)) {
      if (!baseOperatorName(operator).startsWith('Date') || !isObject(block)) continue;
      for (const value of Object.values(block)) {
        for (const item of asList(value)) if (!isLegacyDate(String(item))) refuse(POLICY_MESSAGES.legacy);
      }
    }
  }
  let problem: string | null = null;
  for (const element of ['Resource', 'NotResource']) {
    for (const statement of statements) {
      if (!(element in statement)) continue;
      const resources = asList(statement[element]) as string[];
      const inReadingOrder = typeof statement[element] === 'string' ? resources : [...resources].sort().reverse();
      for (const resource of inReadingOrder) problem = resourceFormatProblem(resource) ?? problem;
      if (problem === null && !resources.every(readsAsLegacyArn)) refuse(POLICY_MESSAGES.legacy);
    }
  }
  return problem;
}

function checkSids(statements: JsonObject[]): void {
  for (const statement of statements) {
    if (typeof statement.Sid === 'string' && !SID.test(statement.Sid)) refuse(POLICY_MESSAGES.sidAlphanumeric);
  }
  const seen = new Set<string>();
  for (const statement of statements) {
    const sid = statement.Sid;
    if (typeof sid !== 'string' || sid === '') continue;
    if (seen.has(sid)) refuse(POLICY_MESSAGES.sidUnique);
    seen.add(sid);
  }
}

/** An element that is absent, or an empty list, holds nothing. */
function holdsSomething(statement: JsonObject, element: string, alternative: string): boolean {
  const value = element in statement ? statement[element] : statement[alternative];
  return value !== undefined && !(Array.isArray(value) && value.length === 0);
}

function checkVendors(statements: JsonObject[]): void {
  for (const element of ['Action', 'NotAction']) {
    for (const statement of statements) {
      for (const action of asList(statement[element]) as string[]) {
        const parts = action.split(':');
        if (parts.length === 1 && action !== '*') refuse(POLICY_MESSAGES.noVendor);
        if (parts.length > 2) refuse(POLICY_MESSAGES.oneColon);
        const vendor = parts[0]!;
        if (vendor !== '*' && !VENDOR.test(vendor)) refuse(POLICY_MESSAGES.vendor(vendor));
      }
    }
  }
}

function isTrustAction(action: string): boolean {
  const pattern = new RegExp(
    `^${action
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    'i',
  );
  return TRUST_ACTIONS.some((known) => pattern.test(known));
}

function validate(text: string, kind: PolicyKind): void {
  const { document, statements } = checkSyntax(text, kind);
  if (kind === 'identity') {
    if (document.Version !== '2012-10-17') refuse(POLICY_MESSAGES.version);
    if (statements.some((s) => 'Principal' in s || 'NotPrincipal' in s)) refuse(POLICY_MESSAGES.principal);
  }
  const formatProblem = checkLegacy(statements);
  checkSids(statements);
  if (!statements.every((s) => holdsSomething(s, 'Action', 'NotAction'))) refuse(POLICY_MESSAGES.noActions);
  if (kind === 'trust') {
    if (statements.some((s) => 'Resource' in s || 'NotResource' in s)) refuse(POLICY_MESSAGES.trustResource);
    if (!statements.every((s) => 'Principal' in s || 'NotPrincipal' in s)) refuse(POLICY_MESSAGES.trustNoPrincipal);
    checkVendors(statements);
    const actions = statements.flatMap((s) => asList(s.Action ?? s.NotAction) as string[]);
    if (!actions.every(isTrustAction)) refuse(POLICY_MESSAGES.trustActions);
    return;
  }
  if (!statements.every((s) => holdsSomething(s, 'Resource', 'NotResource'))) refuse(POLICY_MESSAGES.noResources);
  if (formatProblem !== null) refuse(formatProblem);
  checkVendors(statements);
}

function asMalformed(text: string, kind: PolicyKind): void {
  try {
    validate(text, kind);
  } catch (error) {
    if (error instanceof Refusal)
      throw new GatehouseError('MalformedPolicyDocument', error.message, { field: 'policyDocument' });
    throw error;
  }
}

/**
 * Checks an identity-based policy (inline, managed, or a permissions boundary) as IAM does;
 * throws MalformedPolicyDocument with IAM's message when IAM would refuse it.
 */
export function validateIdentityPolicy(text: string): void {
  asMalformed(text, 'identity');
}

/** Checks a role's trust policy (AssumeRolePolicyDocument) as IAM does. */
export function validateTrustPolicy(text: string): void {
  asMalformed(text, 'trust');
}
