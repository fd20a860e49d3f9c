import { GatehouseError } from '../../shared/errors.ts';
import { CONDITION_OPERATORS, parseOperatorName } from './operators.ts';

/**
 * IAM identity-based policy documents: the JSON grammar AWS accepts, checked on every
 * write. Everything that is wrong is reported as MalformedPolicyDocument with a message
 * naming the element, so an administrator can fix the document without guessing.
 */

export const POLICY_VERSIONS = ['2012-10-17', '2008-10-17'] as const;
export type PolicyVersion = (typeof POLICY_VERSIONS)[number];
export type Effect = 'Allow' | 'Deny';

export interface PolicyStatement {
  sid: string | null;
  effect: Effect;
  /** Exactly one of `action` and `notAction` is set. */
  action: string[] | null;
  notAction: string[] | null;
  /** Exactly one of `resource` and `notResource` is set. */
  resource: string[] | null;
  notResource: string[] | null;
  /** Operator (as written) → condition key (as written) → values, all as strings. */
  condition: Record<string, Record<string, string[]>>;
}

export interface PolicyDocument {
  /** A document without `Version` is read as 2008-10-17, as AWS does: no policy variables. */
  version: PolicyVersion;
  id: string | null;
  statements: PolicyStatement[];
}

/**
 * AWS's quotas, in characters with all white space left out. Inline quotas hold for the
 * sum of an identity's inline policies, not for each one.
 */
export const POLICY_SIZE_LIMITS = {
  managed: 6144,
  userInline: 2048,
  groupInline: 5120,
} as const;

/** The size IAM counts against its quotas: characters other than white space. */
export function policySize(text: string): number {
  let size = 0;
  for (const ch of text) if (!/\s/.test(ch)) size++;
  return size;
}

const TOP_LEVEL_KEYS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_KEYS = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource', 'Condition', 'Principal', 'NotPrincipal']);
/** `service:ActionName`, wildcards allowed after the prefix, or `*` alone. */
const ACTION = /^(?:\*|[A-Za-z0-9*?-]+:[^\s]*)$/;
const CONDITION_KEY = /^[^\s:]+:\S+$/;
const SID = /^[A-Za-z0-9]*$/;

function malformed(message: string): GatehouseError {
  return new GatehouseError('MalformedPolicyDocument', message, { field: 'policyDocument' });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringList(value: unknown, where: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw malformed(`${where} must not be an empty list.`);
  return list.map((item) => {
    if (typeof item !== 'string') throw malformed(`${where} must be a string or a list of strings.`);
    return item;
  });
}

function conditionValues(value: unknown, where: string): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw malformed(`${where} must have at least one value.`);
  return list.map((item) => {
    if (typeof item === 'string') return item;
    if (typeof item === 'number' || typeof item === 'boolean') return String(item);
    throw malformed(`${where} values must be strings, numbers or booleans.`);
  });
}

function parseStatement(raw: unknown, index: number, sids: Set<string>): PolicyStatement {
  const where = `Statement ${index + 1}`;
  if (!isObject(raw)) throw malformed(`${where} must be a JSON object.`);
  for (const key of Object.keys(raw)) {
    if (key === 'Principal' || key === 'NotPrincipal') throw malformed('Policy document should not specify a principal.');
    if (!STATEMENT_KEYS.has(key)) throw malformed(`${where} has an unknown element: ${key}.`);
  }

  let sid: string | null = null;
  if (raw.Sid !== undefined) {
    if (typeof raw.Sid !== 'string') throw malformed(`${where}: Sid must be a string.`);
    if (!SID.test(raw.Sid)) throw malformed(`Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*: ${raw.Sid}`);
    if (raw.Sid !== '' && sids.has(raw.Sid)) throw malformed(`Statement IDs (SID) in a single policy must be unique: ${raw.Sid} appears twice.`);
    sids.add(raw.Sid);
    sid = raw.Sid;
  }

  if (raw.Effect === undefined) throw malformed(`${where} is missing the required element Effect.`);
  if (raw.Effect !== 'Allow' && raw.Effect !== 'Deny') throw malformed(`${where}: Effect must be "Allow" or "Deny", not ${JSON.stringify(raw.Effect)}.`);

  if (raw.Action !== undefined && raw.NotAction !== undefined) throw malformed(`${where} has both Action and NotAction; use one.`);
  if (raw.Action === undefined && raw.NotAction === undefined) throw malformed(`${where}: Policy statement must contain actions.`);
  const actionKey = raw.Action !== undefined ? 'Action' : 'NotAction';
  const actions = stringList(raw[actionKey], `${where}: ${actionKey}`);
  for (const action of actions) {
    if (!ACTION.test(action)) {
      throw malformed(`${where}: ${actionKey} ${JSON.stringify(action)} is not valid: actions must be prefaced by a service, e.g. iam:GetUser, or be "*".`);
    }
  }

  if (raw.Resource !== undefined && raw.NotResource !== undefined) throw malformed(`${where} has both Resource and NotResource; use one.`);
  if (raw.Resource === undefined && raw.NotResource === undefined) throw malformed(`${where}: Policy statement must contain resources.`);
  const resourceKey = raw.Resource !== undefined ? 'Resource' : 'NotResource';
  const resources = stringList(raw[resourceKey], `${where}: ${resourceKey}`);
  for (const resource of resources) {
    if (resource !== '*' && !resource.startsWith('arn:')) {
      throw malformed(`${where}: ${resourceKey} ${resource} must be in ARN format or "*".`);
    }
  }

  const condition: Record<string, Record<string, string[]>> = {};
  if (raw.Condition !== undefined) {
    if (!isObject(raw.Condition)) throw malformed(`${where}: Condition must be a JSON object of operators.`);
    for (const [operator, block] of Object.entries(raw.Condition)) {
      const parsed = parseOperatorName(operator);
      if (!parsed) throw malformed(`${where}: Invalid Condition type: ${operator}.`);
      if (!isObject(block)) throw malformed(`${where}: Condition ${operator} must be a JSON object of condition keys.`);
      const keys: Record<string, string[]> = {};
      for (const [key, value] of Object.entries(block)) {
        if (!CONDITION_KEY.test(key)) throw malformed(`${where}: condition key ${JSON.stringify(key)} must be prefaced by a service, e.g. aws:SourceIp.`);
        const values = conditionValues(value, `${where}: Condition ${operator} ${key}`);
        const problem = CONDITION_OPERATORS[parsed.base].validate?.(values);
        if (problem) throw malformed(`${where}: Condition ${operator} ${key}: ${problem}`);
        keys[key] = values;
      }
      condition[operator] = keys;
    }
  }

  return {
    sid,
    effect: raw.Effect,
    action: actionKey === 'Action' ? actions : null,
    notAction: actionKey === 'NotAction' ? actions : null,
    resource: resourceKey === 'Resource' ? resources : null,
    notResource: resourceKey === 'NotResource' ? resources : null,
    condition,
  };
}

/** Parses and validates a policy document; throws MalformedPolicyDocument naming the first problem. */
export function parsePolicyDocument(text: string): PolicyDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw malformed(`Syntax errors in policy: ${(error as Error).message}`);
  }
  if (!isObject(raw)) throw malformed('The policy document must be a JSON object.');
  for (const key of Object.keys(raw)) {
    if (!TOP_LEVEL_KEYS.has(key)) throw malformed(`The policy has an unknown top-level element: ${key}.`);
  }
  let version: PolicyVersion = '2008-10-17';
  if (raw.Version !== undefined) {
    if (typeof raw.Version !== 'string' || !(POLICY_VERSIONS as readonly string[]).includes(raw.Version)) {
      throw malformed(`The policy Version must be "2012-10-17" or "2008-10-17", not ${JSON.stringify(raw.Version)}.`);
    }
    version = raw.Version as PolicyVersion;
  }
  if (raw.Id !== undefined && typeof raw.Id !== 'string') throw malformed('The policy Id must be a string.');
  if (raw.Statement === undefined) throw malformed('The policy is missing the required element Statement.');
  const list = Array.isArray(raw.Statement) ? raw.Statement : [raw.Statement];
  if (list.length === 0) throw malformed('The policy must contain at least one statement.');
  const sids = new Set<string>();
  return {
    version,
    id: typeof raw.Id === 'string' ? raw.Id : null,
    statements: list.map((statement, index) => parseStatement(statement, index, sids)),
  };
}
