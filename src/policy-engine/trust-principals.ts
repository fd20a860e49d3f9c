/**
 * The values a trust policy's Principal (or NotPrincipal) may hold, read once into what they
 * name. Only whole values name principals: `*` in the middle of an ARN is no wildcard (AWS
 * refuses it when the policy is written, and a stored one matches nothing).
 */

/** What one value under `"AWS"` names. */
export type AwsPrincipalRef =
  /** `*`: every principal. */
  | { kind: 'anyone' }
  /** A 12-digit account ID or `arn:aws:iam::ACCT:root`: every principal of that account. */
  | { kind: 'account'; accountId: string }
  /** One IAM user, or every session of one role, as long as it is the one the policy was saved with. */
  | { kind: 'user' | 'role'; arn: string; accountId: string; name: string }
  /** `arn:aws:sts::ACCT:assumed-role/ROLE/SESSION`: one session of one role. */
  | { kind: 'session'; arn: string; accountId: string; roleName: string; sessionName: string }
  /** `arn:aws:sts::ACCT:federated-user/NAME`: a federation token's user; no IAM identity stands behind it. */
  | { kind: 'federatedUser'; arn: string; accountId: string }
  /** `AIDA…` (a user) or `AROA…` (a role): what AWS shows for a saved principal that no longer exists. */
  | { kind: 'uniqueId'; uniqueId: string }
  | { kind: 'invalid' };

/** The principal types a trust policy may name. */
export const PRINCIPAL_TYPES = ['AWS', 'Service', 'Federated', 'CanonicalUser'] as const;
export type PrincipalType = (typeof PRINCIPAL_TYPES)[number];

const ACCOUNT_ID = /^\d{12}$/;
/** IAM user and role names; the path, when there is one, as IAM's Path parameter allows it. */
const PATH_AND_NAME = /^((?:\/[\u0021-\u007E]+)?\/)([\w+=,.@-]{1,64})$/;
const SESSION = /^assumed-role\/([\w+=,.@-]{1,64})\/([\w+=,.@-]{2,64})$/;
const FEDERATED_USER = /^federated-user\/[\w+=,.@-]{2,32}$/;
const UNIQUE_ID = /^(?:AIDA|AROA)[A-Z0-9]{17}$/;
const WELL_KNOWN_WEB_IDENTITIES = new Set([
  'accounts.google.com',
  'graph.facebook.com',
  'www.amazon.com',
  'cognito-identity.amazonaws.com',
]);

function isWildcarded(value: string): boolean {
  return value.includes('*') || value.includes('?');
}

export function readAwsPrincipal(value: string): AwsPrincipalRef {
  if (value === '*') return { kind: 'anyone' };
  if (ACCOUNT_ID.test(value)) return { kind: 'account', accountId: value };
  if (UNIQUE_ID.test(value)) return { kind: 'uniqueId', uniqueId: value };
  if (isWildcarded(value)) return { kind: 'invalid' };
  const parts = value.split(':');
  if (parts.length !== 6 || parts[0] !== 'arn' || parts[1] !== 'aws' || parts[3] !== '') return { kind: 'invalid' };
  const [, , service, , accountId, resource] = parts as [string, string, string, string, string, string];
  if (!ACCOUNT_ID.test(accountId)) return { kind: 'invalid' };
  if (service === 'iam') {
    if (resource === 'root') return { kind: 'account', accountId };
    for (const kind of ['user', 'role'] as const) {
      if (!resource.startsWith(kind)) continue;
      const named = PATH_AND_NAME.exec(resource.slice(kind.length));
      if (named && named[1]!.length <= 512) return { kind, arn: value, accountId, name: named[2]! };
    }
    return { kind: 'invalid' };
  }
  if (service === 'sts') {
    const session = SESSION.exec(resource);
    if (session) return { kind: 'session', arn: value, accountId, roleName: session[1]!, sessionName: session[2]! };
    if (FEDERATED_USER.test(resource)) return { kind: 'federatedUser', arn: value, accountId };
  }
  return { kind: 'invalid' };
}

/**
 * A service principal: a host name under a service's domain (`ec2.amazonaws.com`,
 * `states.eu-west-1.amazonaws.com`). AWS checks the name against its own list of services;
 * Gatehouse, which has no such list, takes any lower-case host name of three labels or more.
 */
export function isServicePrincipal(value: string): boolean {
  const labels = value.split('.');
  return labels.length >= 3 && labels.every((label) => /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/.test(label));
}

/** An identity provider: a SAML or OpenID Connect provider's ARN, or a web identity provider AWS knows by name. */
export function isFederatedProvider(value: string): boolean {
  if (WELL_KNOWN_WEB_IDENTITIES.has(value)) return true;
  if (isWildcarded(value)) return false;
  return /^arn:aws:iam::\d{12}:(?:saml-provider\/[\w.-]{1,128}|oidc-provider\/[^/\s]+(?:\/[^\s]*)?)$/.test(value);
}

/** An S3 canonical user ID: 64 hexadecimal digits. */
export function isCanonicalUser(value: string): boolean {
  return /^[0-9a-f]{64}$/.test(value);
}

/** Whether one value of the given type is one IAM accepts in a trust policy (existence aside). */
export function isValidPrincipalValue(type: string, value: string): boolean {
  switch (type) {
    case 'AWS':
      return readAwsPrincipal(value).kind !== 'invalid';
    case 'Service':
      return isServicePrincipal(value);
    case 'Federated':
      return isFederatedProvider(value);
    case 'CanonicalUser':
      return isCanonicalUser(value);
    default:
      return false;
  }
}
