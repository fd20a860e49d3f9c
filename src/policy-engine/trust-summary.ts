import type { PolicyDocument, PolicyStatement, PrincipalSet } from './document.ts';
import { TRUST_ACTIONS } from './grammar/policy-validator.ts';
import { type BaseOperator, parseOperatorName } from './operators.ts';
import { readAwsPrincipal } from './trust-principals.ts';
import { compileWildcard } from './wildcard.ts';

/**
 * A trust policy read as a person reads it, one plain-text line per statement, for the
 * console: "Allows principals in account 111122223333 to assume this role when
 * sts:ExternalId equals X and MFA is present". It describes; `evaluateTrust` decides.
 */

const ASSUME_ACTIONS = new Set(['sts:AssumeRole', 'sts:AssumeRoleWithSAML', 'sts:AssumeRoleWithWebIdentity']);
const SESSION_PHRASES: Record<string, string> = {
  'sts:TagSession': 'pass session tags',
  'sts:SetSourceIdentity': 'set a source identity',
  'sts:SetContext': 'set session context',
};

function list(items: readonly string[], conjunction: 'and' | 'or'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1)}`;
}

/** The trust actions a statement covers, with NotAction read as every trust action it does not name. */
function coveredActions(statement: PolicyStatement): string[] {
  const patterns = (statement.action ?? statement.notAction ?? []).map((p) => compileWildcard(p.toLowerCase(), false));
  const negated = statement.notAction !== null;
  return TRUST_ACTIONS.filter((action) => patterns.some((p) => p.test(action.toLowerCase())) !== negated);
}

function actionsPhrase(actions: readonly string[]): string {
  const phrases: string[] = [];
  const assume = actions.filter((a) => ASSUME_ACTIONS.has(a));
  if (assume.length === 1 && assume[0] === 'sts:AssumeRole') phrases.push('assume this role');
  else if (assume.length > 0)
    phrases.push(
      `assume this role through ${list(
        assume.map((a) => a.slice(4)),
        'or',
      )}`,
    );
  for (const action of actions) if (SESSION_PHRASES[action]) phrases.push(SESSION_PHRASES[action]!);
  return phrases.length > 0 ? list(phrases, 'and') : 'take no trust action';
}

function awsPrincipalPhrase(value: string): string {
  const ref = readAwsPrincipal(value);
  switch (ref.kind) {
    case 'anyone':
      return 'anyone';
    case 'account':
      return `principals in account ${ref.accountId}`;
    case 'user':
      return `user ${ref.arn}`;
    case 'role':
      return `sessions of role ${ref.arn}`;
    case 'session':
      return `role session ${ref.arn}`;
    case 'federatedUser':
      return `federated user ${ref.arn}`;
    case 'uniqueId':
      return `the principal with unique ID ${ref.uniqueId} (it no longer exists under the name it was saved with)`;
    case 'invalid':
      return `principal ${value}`;
  }
}

function principalPhrase(type: string, value: string): string {
  if (type === 'AWS') return awsPrincipalPhrase(value);
  if (type === 'Service') return `the service ${value}`;
  if (type === 'Federated') return `users signed in through ${value}`;
  if (type === 'CanonicalUser') return `canonical user ${value}`;
  return `${type} principal ${value}`;
}

function whoPhrase(set: PrincipalSet): string {
  if (set === '*') return 'anyone';
  const phrases = Object.entries(set).flatMap(([type, values]) => values.map((v) => principalPhrase(type, v)));
  return phrases.includes('anyone') ? 'anyone' : list(phrases, 'and');
}

const VERBS: Record<BaseOperator, string> = {
  StringEquals: 'equals',
  StringNotEquals: 'does not equal',
  StringEqualsIgnoreCase: 'equals (ignoring case)',
  StringNotEqualsIgnoreCase: 'does not equal (ignoring case)',
  StringLike: 'matches',
  StringNotLike: 'does not match',
  NumericEquals: 'equals',
  NumericNotEquals: 'does not equal',
  NumericLessThan: 'is less than',
  NumericLessThanEquals: 'is at most',
  NumericGreaterThan: 'is greater than',
  NumericGreaterThanEquals: 'is at least',
  DateEquals: 'is',
  DateNotEquals: 'is not',
  DateLessThan: 'is before',
  DateLessThanEquals: 'is at or before',
  DateGreaterThan: 'is after',
  DateGreaterThanEquals: 'is at or after',
  Bool: 'is',
  BinaryEquals: 'equals',
  IpAddress: 'is in',
  NotIpAddress: 'is not in',
  ArnEquals: 'equals',
  ArnLike: 'matches',
  ArnNotEquals: 'does not equal',
  ArnNotLike: 'does not match',
  Null: 'is absent',
};

function conditionPhrase(operator: string, key: string, values: readonly string[]): string {
  const parsed = parseOperatorName(operator);
  if (!parsed) return `${key} ${operator} ${list(values, 'or')}`;
  const { base, set, ifExists } = parsed;
  const orAbsent = ifExists ? ' (or is absent)' : '';
  const lowerKey = key.toLowerCase();
  if (lowerKey === 'aws:multifactorauthpresent' && base === 'Bool' && set === null && values.length === 1) {
    const present = values[0]!.toLowerCase() === 'true';
    return `MFA is ${present ? '' : 'not '}present${ifExists ? ' (or not known)' : ''}`;
  }
  if (
    lowerKey === 'aws:multifactorauthage' &&
    (base === 'NumericLessThan' || base === 'NumericLessThanEquals') &&
    values.length === 1
  ) {
    return `MFA was used within the last ${values[0]} seconds${orAbsent}`;
  }
  if (base === 'Null') {
    return list(
      values.map((v) => `${key} is ${v.toLowerCase() === 'true' ? 'absent' : 'present'}`),
      'or',
    );
  }
  const subject = set === 'any' ? `any value of ${key}` : set === 'all' ? `every value of ${key}` : key;
  return `${subject} ${VERBS[base]} ${list(values, 'or')}${orAbsent}`;
}

function conditionsPhrase(statement: PolicyStatement): string {
  const phrases = Object.entries(statement.condition).flatMap(([operator, block]) =>
    Object.entries(block).map(([key, values]) => conditionPhrase(operator, key, values)),
  );
  // Joined without commas: a condition's own values are listed with them.
  return phrases.length > 0 ? ` when ${phrases.join(' and ')}` : '';
}

function statementSummary(statement: PolicyStatement): string {
  const who =
    statement.principal !== null
      ? whoPhrase(statement.principal)
      : statement.notPrincipal !== null
        ? `anyone except ${whoPhrase(statement.notPrincipal)}`
        : 'nobody';
  const what = actionsPhrase(coveredActions(statement));
  const when = conditionsPhrase(statement);
  return statement.effect === 'Allow' ? `Allows ${who} to ${what}${when}` : `Denies ${who} the right to ${what}${when}`;
}

/** One line per statement, in the document's order. Plain text: the page that shows it escapes it. */
export function trustSummary(document: PolicyDocument): string[] {
  return document.statements.map(statementSummary);
}
