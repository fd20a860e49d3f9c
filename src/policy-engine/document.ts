import { GatehouseError } from '../shared/errors.ts';

/**
 * Policy documents as the engine reads them. Whether IAM would accept a document is the
 * grammar's business (`./grammar/policy-validator.ts`), decided when it is written; this
 * reader takes any document that can be evaluated — every stored one, and the documents
 * the simulator is given — and refuses only what has no meaning at all.
 */

export const POLICY_VERSIONS = ['2012-10-17', '2008-10-17'] as const;
export type PolicyVersion = (typeof POLICY_VERSIONS)[number];
export type Effect = 'Allow' | 'Deny';

/** `"*"`, or principal type (`AWS`, `Service`, `Federated`, `CanonicalUser`) → values. */
export type PrincipalSet = '*' | Record<string, string[]>;

export interface PolicyStatement {
  sid: string | null;
  effect: Effect;
  /** At most one of `action` and `notAction` is set; neither means the statement names no action. */
  action: string[] | null;
  notAction: string[] | null;
  /** At most one of `resource` and `notResource` is set (a trust policy has neither). */
  resource: string[] | null;
  notResource: string[] | null;
  /** Operator (as written) → condition key (as written) → values, all as strings. */
  condition: Record<string, Record<string, string[]>>;
  /** Trust policies only. */
  principal: PrincipalSet | null;
  notPrincipal: PrincipalSet | null;
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
  roleInline: 10240,
} as const;

/** The size IAM counts against its quotas: characters other than white space. */
export function policySize(text: string): number {
  let size = 0;
  for (const ch of text) if (!/\s/.test(ch)) size++;
  return size;
}

function unreadable(): GatehouseError {
  return new GatehouseError('MalformedPolicyDocument', 'Syntax errors in policy.', { field: 'policyDocument' });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function strings(value: unknown): string[] | null {
  if (value === undefined) return null;
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((item) => typeof item === 'string')) throw unreadable();
  return list as string[];
}

function conditionValues(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => {
    if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') return String(item);
    throw unreadable();
  });
}

function principalSet(value: unknown): PrincipalSet | null {
  if (value === undefined) return null;
  if (value === '*') return '*';
  if (!isObject(value)) throw unreadable();
  return Object.fromEntries(Object.entries(value).map(([type, ids]) => [type, strings(ids)!]));
}

function readStatement(raw: unknown): PolicyStatement {
  if (!isObject(raw) || (raw.Effect !== 'Allow' && raw.Effect !== 'Deny')) throw unreadable();
  const condition: PolicyStatement['condition'] = {};
  if (raw.Condition !== undefined) {
    if (!isObject(raw.Condition)) throw unreadable();
    for (const [operator, block] of Object.entries(raw.Condition)) {
      if (!isObject(block)) throw unreadable();
      condition[operator] = Object.fromEntries(
        Object.entries(block).map(([key, values]) => [key, conditionValues(values)]),
      );
    }
  }
  const action = strings(raw.Action);
  const resource = strings(raw.Resource);
  return {
    sid: typeof raw.Sid === 'string' ? raw.Sid : null,
    effect: raw.Effect,
    action,
    notAction: action === null ? strings(raw.NotAction) : null,
    resource,
    notResource: resource === null ? strings(raw.NotResource) : null,
    condition,
    principal: principalSet(raw.Principal),
    notPrincipal: principalSet(raw.NotPrincipal),
  };
}

/** Reads a policy document for evaluation; MalformedPolicyDocument only for text that is no policy at all. */
export function parsePolicyDocument(text: string): PolicyDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw unreadable();
  }
  if (!isObject(raw) || (!isObject(raw.Statement) && !Array.isArray(raw.Statement))) throw unreadable();
  const list: unknown[] = Array.isArray(raw.Statement) ? raw.Statement : [raw.Statement];
  return {
    version: raw.Version === '2012-10-17' ? '2012-10-17' : '2008-10-17',
    id: typeof raw.Id === 'string' ? raw.Id : null,
    statements: list.map(readStatement),
  };
}

/**
 * The document in one canonical JSON form: every list written as a list, condition values
 * as strings, elements in the grammar's order. It means what the original meant, and
 * whatever IAM accepted in the original it accepts in this form too.
 */
export function formatPolicyDocument(document: PolicyDocument, space?: number): string {
  return JSON.stringify(
    {
      Version: document.version,
      ...(document.id !== null ? { Id: document.id } : {}),
      Statement: document.statements.map((s) => ({
        ...(s.sid !== null ? { Sid: s.sid } : {}),
        Effect: s.effect,
        ...(s.principal !== null ? { Principal: s.principal } : {}),
        ...(s.notPrincipal !== null ? { NotPrincipal: s.notPrincipal } : {}),
        ...(s.action !== null ? { Action: s.action } : {}),
        ...(s.notAction !== null ? { NotAction: s.notAction } : {}),
        ...(s.resource !== null ? { Resource: s.resource } : {}),
        ...(s.notResource !== null ? { NotResource: s.notResource } : {}),
        ...(Object.keys(s.condition).length > 0 ? { Condition: s.condition } : {}),
      })),
    },
    null,
    space,
  );
}
