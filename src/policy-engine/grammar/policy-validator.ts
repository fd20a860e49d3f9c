import { GatehouseError } from '../../shared/errors.ts';
import { isValidPrincipalValue } from '../trust-principals.ts';
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
 * Trust policies (a role's AssumeRolePolicyDocument) take steps 1, 4 and 5, then their own rules,
 * the last of which is that every principal is one IAM can read (whether it exists is the
 * caller's question: `namedAwsPrincipals` in `../trust-document.ts`).
 *
 * IAM's words never say which statement is wrong; `policyProblem` also tells the statement a
 * refusal concerns (by place and Sid) wherever a rule is about one statement, so the console
 * can point at it. The words, and which problem is named, stay IAM's.
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
export const TRUST_ACTIONS = [
  'sts:AssumeRole',
  'sts:AssumeRoleWithSAML',
  'sts:AssumeRoleWithWebIdentity',
  'sts:TagSession',
  'sts:SetSourceIdentity',
  'sts:SetContext',
];

/** The statement a refusal concerns: its place in the Statement list (from 0) and its Sid, when it has one. */
export interface StatementRef {
  index: number;
  sid: string | null;
}

/** Why IAM refuses a document, in IAM's words, and the statement the refusal concerns when one does. */
export interface PolicyProblem {
  message: string;
  statement: StatementRef | null;
  /** For text that is not JSON: where the JSON reader stopped (line and column from 1), when it says. */
  jsonPosition: { line: number; column: number } | null;
}

class Refusal extends Error {
  constructor(
    message: string,
    readonly statement: StatementRef | null,
  ) {
    super(message);
  }
}

/** `at`: the statement the refusal concerns; IAM's words never name it, the console does. */
function refuse(message: string, at: StatementRef | null = null): never {
  throw new Refusal(message, at);
}

function refOf(statement: Json | undefined, index: number): StatementRef {
  const sid = isObject(statement) && typeof statement.Sid === 'string' && statement.Sid !== '' ? statement.Sid : null;
  return { index, sid };
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

function checkPrincipalSyntax(value: Json | undefined, at: StatementRef): void {
  if (value === undefined || value === '*') return;
  if (!isObject(value)) refuse(POLICY_MESSAGES.syntax, at);
  for (const principals of Object.values(value)) if (!isStringOrStrings(principals)) refuse(POLICY_MESSAGES.syntax, at);
}

function checkConditionSyntax(condition: Json | undefined, kind: PolicyKind, at: StatementRef): void {
  if (condition === undefined) return;
  if (!isObject(condition)) refuse(POLICY_MESSAGES.syntax, at);
  for (const [operator, block] of Object.entries(condition)) {
    if (!isObject(block)) refuse(POLICY_MESSAGES.syntax, at);
    for (const value of Object.values(block)) {
      if (!(isScalar(value) || (Array.isArray(value) && value.every(isScalar)))) refuse(POLICY_MESSAGES.syntax, at);
    }
    // An operator IAM does not know is only an error when it tests something.
    if (!isKnownOperator(operator) && Object.keys(block).length > 0) {
      refuse(kind === 'trust' ? POLICY_MESSAGES.trustConditionType(operator) : POLICY_MESSAGES.syntax, at);
    }
  }
}

function checkStatementSyntax(statement: Json, kind: PolicyKind, index: number): asserts statement is JsonObject {
  const at = refOf(statement, index);
  if (!isObject(statement)) refuse(POLICY_MESSAGES.syntax, at);
  for (const element of Object.keys(statement))
    if (!STATEMENT_ELEMENTS.has(element)) refuse(POLICY_MESSAGES.syntax, at);
  if ('Resource' in statement && 'NotResource' in statement) refuse(POLICY_MESSAGES.syntax, at);
  if ('Action' in statement && 'NotAction' in statement) refuse(POLICY_MESSAGES.syntax, at);
  const effect = statement.Effect;
  if (typeof effect !== 'string' || !['allow', 'deny'].includes(effect.toLowerCase()))
    refuse(POLICY_MESSAGES.syntax, at);
  for (const element of ['Action', 'NotAction', 'Resource', 'NotResource']) {
    if (element in statement && !isStringOrStrings(statement[element])) refuse(POLICY_MESSAGES.syntax, at);
  }
  checkPrincipalSyntax(statement.Principal, at);
  checkPrincipalSyntax(statement.NotPrincipal, at);
  checkConditionSyntax(statement.Condition, kind, at);
  // A Sid that is not text has no name to show: the statement is named by its place alone.
  if ('Sid' in statement && typeof statement.Sid !== 'string') refuse(POLICY_MESSAGES.syntax, at);
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
  for (const [index, s] of statements.entries()) checkStatementSyntax(s, kind, index);
  return { document, statements: statements as JsonObject[] };
}

/** An ARN format problem met at step 4, reported at step 7, with the statement it was met in. */
interface FormatProblem {
  message: string;
  at: StatementRef;
}

/**
 * Step 4. Returns the ARN format problem to report at step 7, if any. IAM reads Resource
 * elements before NotResource elements, each list from its greatest string to its least,
 * and reports the last problem it met; the old ARN reader runs on a statement's list only
 * while no problem has been met.
 */
function checkLegacy(statements: JsonObject[]): FormatProblem | null {
  for (const [index, statement] of statements.entries()) {
    const at = refOf(statement, index);
    if (statement.Effect !== 'Allow' && statement.Effect !== 'Deny') refuse(POLICY_MESSAGES.legacy, at);
    const condition = statement.Condition;
    if (!isObject(condition)) continue;
    for (const [operator, block] of Object.entries(condition)) {
      if (!baseOperatorName(operator).startsWith('Date') || !isObject(block)) continue;
      for (const value of Object.values(block)) {
        for (const item of asList(value)) if (!isLegacyDate(String(item))) refuse(POLICY_MESSAGES.legacy, at);
      }
    }
  }
  let problem: FormatProblem | null = null;
  for (const element of ['Resource', 'NotResource']) {
    for (const [index, statement] of statements.entries()) {
      if (!(element in statement)) continue;
      const at = refOf(statement, index);
      const resources = asList(statement[element]) as string[];
      const inReadingOrder = typeof statement[element] === 'string' ? resources : [...resources].sort().reverse();
      for (const resource of inReadingOrder) {
        const message = resourceFormatProblem(resource);
        if (message !== null) problem = { message, at };
      }
      if (problem === null && !resources.every(readsAsLegacyArn)) refuse(POLICY_MESSAGES.legacy, at);
    }
  }
  return problem;
}

function checkSids(statements: JsonObject[]): void {
  for (const [index, statement] of statements.entries()) {
    if (typeof statement.Sid === 'string' && !SID.test(statement.Sid))
      refuse(POLICY_MESSAGES.sidAlphanumeric, refOf(statement, index));
  }
  const seen = new Set<string>();
  for (const [index, statement] of statements.entries()) {
    const sid = statement.Sid;
    if (typeof sid !== 'string' || sid === '') continue;
    // The statement that repeats a Sid is the one named.
    if (seen.has(sid)) refuse(POLICY_MESSAGES.sidUnique, refOf(statement, index));
    seen.add(sid);
  }
}

/** An element that is absent, or an empty list, holds nothing. */
function holdsSomething(statement: JsonObject, element: string, alternative: string): boolean {
  const value = element in statement ? statement[element] : statement[alternative];
  return value !== undefined && !(Array.isArray(value) && value.length === 0);
}

/** Refuses with `message`, naming the first statement that fails `test`, when one does. */
function everyStatement(statements: JsonObject[], test: (s: JsonObject) => boolean, message: string): void {
  const index = statements.findIndex((s) => !test(s));
  if (index >= 0) refuse(message, refOf(statements[index], index));
}

function checkVendors(statements: JsonObject[]): void {
  for (const element of ['Action', 'NotAction']) {
    for (const [index, statement] of statements.entries()) {
      const at = refOf(statement, index);
      for (const action of asList(statement[element]) as string[]) {
        const parts = action.split(':');
        if (parts.length === 1 && action !== '*') refuse(POLICY_MESSAGES.noVendor, at);
        if (parts.length > 2) refuse(POLICY_MESSAGES.oneColon, at);
        const vendor = parts[0]!;
        if (vendor !== '*' && !VENDOR.test(vendor)) refuse(POLICY_MESSAGES.vendor(vendor), at);
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

/** A Principal or NotPrincipal that names someone: `*`, or a type with at least one value. */
function namesPrincipals(statement: JsonObject): boolean {
  return ['Principal', 'NotPrincipal'].some((element) => {
    const value = statement[element];
    return value === '*' || (isObject(value) && Object.values(value).some((ids) => asList(ids).length > 0));
  });
}

function checkPrincipalValues(statements: JsonObject[]): void {
  for (const [index, statement] of statements.entries()) {
    for (const element of ['Principal', 'NotPrincipal']) {
      const value = statement[element];
      if (!isObject(value)) continue;
      for (const [type, ids] of Object.entries(value)) {
        for (const id of asList(ids) as string[]) {
          if (!isValidPrincipalValue(type, id))
            refuse(POLICY_MESSAGES.trustPrincipal(type, id), refOf(statement, index));
        }
      }
    }
  }
}

function validate(text: string, kind: PolicyKind): void {
  const { document, statements } = checkSyntax(text, kind);
  if (kind === 'identity') {
    if (document.Version !== '2012-10-17') refuse(POLICY_MESSAGES.version);
    everyStatement(statements, (s) => !('Principal' in s || 'NotPrincipal' in s), POLICY_MESSAGES.principal);
  }
  const formatProblem = checkLegacy(statements);
  checkSids(statements);
  everyStatement(statements, (s) => holdsSomething(s, 'Action', 'NotAction'), POLICY_MESSAGES.noActions);
  if (kind === 'trust') {
    everyStatement(statements, (s) => !('Resource' in s || 'NotResource' in s), POLICY_MESSAGES.trustResource);
    everyStatement(statements, namesPrincipals, POLICY_MESSAGES.trustNoPrincipal);
    checkVendors(statements);
    everyStatement(
      statements,
      (s) => (asList(s.Action ?? s.NotAction) as string[]).every(isTrustAction),
      POLICY_MESSAGES.trustActions,
    );
    checkPrincipalValues(statements);
    return;
  }
  everyStatement(statements, (s) => holdsSomething(s, 'Resource', 'NotResource'), POLICY_MESSAGES.noResources);
  if (formatProblem !== null) refuse(formatProblem.message, formatProblem.at);
  checkVendors(statements);
}

/** Where JSON.parse stopped reading `text`, when its message says (`… at position 42 …`, or the end). */
function jsonPositionOf(text: string): PolicyProblem['jsonPosition'] {
  try {
    JSON.parse(text);
    return null;
  } catch (error) {
    const said = error instanceof SyntaxError ? error.message : '';
    const at = /at position (\d+)/.exec(said);
    const offset = at ? Number(at[1]) : /end of JSON input/.test(said) ? text.length : null;
    if (offset === null || offset > text.length) return null;
    const before = text.slice(0, offset).split('\n');
    return { line: before.length, column: before.at(-1)!.length + 1 };
  }
}

/**
 * Why IAM would refuse the document, with the statement the refusal concerns where the
 * grammar can tell (a statement's own element, Sid, actions, resources, ARN or vendor);
 * null when IAM would accept it. The message is IAM's, exactly as the API answers it.
 */
export function policyProblem(text: string, kind: PolicyKind): PolicyProblem | null {
  try {
    validate(text, kind);
    return null;
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    const notJson = error.message === POLICY_MESSAGES.trustJson || error.message === POLICY_MESSAGES.syntax;
    return {
      message: error.message,
      statement: error.statement,
      jsonPosition: notJson && error.statement === null ? jsonPositionOf(text) : null,
    };
  }
}

function asMalformed(text: string, kind: PolicyKind): void {
  const problem = policyProblem(text, kind);
  if (problem) throw new GatehouseError('MalformedPolicyDocument', problem.message, { field: 'policyDocument' });
}

/**
 * Checks an identity-based policy (inline, managed, or a permissions boundary) as IAM does;
 * throws MalformedPolicyDocument with IAM's message when IAM would refuse it.
 */
export function validateIdentityPolicy(text: string): void {
  asMalformed(text, 'identity');
}
