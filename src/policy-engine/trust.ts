import { type CompiledStatement, compilePolicy } from './compile.ts';
import { type ContextValue, prepareContext } from './context.ts';
import type { Effect, PolicyDocument, PrincipalSet } from './document.ts';
import { type EvalDecision, MissingKeys, conditionsHold, coversAction, coversResource } from './evaluate.ts';
import { readAwsPrincipal } from './trust-principals.ts';

export { trustSummary } from './trust-summary.ts';

/**
 * Whether a role's trust policy lets a principal take an STS action on the role, as AWS
 * decides it: a statement applies when its Action covers the action, its Principal names the
 * caller (or its NotPrincipal does not) and its conditions hold; a Deny that applies wins,
 * then an Allow that applies; otherwise the request is implicitly denied. The trust policy
 * alone decides here; whether the caller's own policies allow `sts:AssumeRole` is the
 * caller's other question.
 *
 * Users and roles are named by ARN but trusted by unique ID, as AWS does: when the policy is
 * saved the caller records, for each ARN `namedAwsPrincipals` lists, the unique ID it named
 * then (`pinned`). A user deleted and made again under the same name has a new ID and is not
 * trusted; an ARN with no recorded ID trusts nobody.
 */

/** Who asks. */
export interface TrustPrincipal {
  /** The caller's account (the role's account for a web identity). */
  accountId: string;
  /** `AIDA…` for a user; the role's `AROA…` for an assumed-role session; the account ID for the root user. */
  uniqueId: string;
  /**
   * Every ARN a trust policy may name the caller by: a user's ARN; for an assumed-role session
   * both `arn:aws:iam::A:role/path/name` and `arn:aws:sts::A:assumed-role/name/session`;
   * `arn:aws:iam::A:root` for the root user.
   */
  arns: readonly string[];
  /**
   * Set for a web identity or SAML caller: the identity provider's ARN (or a provider AWS
   * knows by name, `accounts.google.com`). Such a caller is no IAM identity: only `*` and
   * `"Federated"` principals name it.
   */
  federated?: string;
  /** Set for a service (`ec2.amazonaws.com`): only `*` and `"Service"` principals name it. */
  service?: string;
}

export interface TrustRequest {
  principal: TrustPrincipal;
  /** `sts:AssumeRole`, `sts:TagSession`, …; case does not matter. */
  action: string;
  /**
   * The condition context: `sts:ExternalId`, `aws:MultiFactorAuthPresent`, `aws:PrincipalArn`,
   * `aws:PrincipalTag/…`, `sts:RoleSessionName`, `aws:RequestTag/…`, `aws:TagKeys`, and the
   * keys policy variables name (`aws:username`). Nothing is added: a key the caller leaves out
   * is absent.
   */
  context?: Readonly<Record<string, ContextValue>>;
  /** ARN → the unique ID it named when the policy was saved (see above). */
  pinned: ReadonlyMap<string, string>;
  /**
   * For a resource-based policy other than a trust policy (one a service passes with the
   * resource it guards): the resource's ARN, which a statement's Resource or NotResource must
   * cover. A statement without either speaks of the resource the policy belongs to.
   */
  resource?: string;
}

export interface TrustMatchedStatement {
  /** 0-based position in the document's Statement list. */
  statementIndex: number;
  sid: string | null;
  effect: Effect;
}

export interface TrustResult {
  decision: EvalDecision;
  /** The statements that decided: the Deny statements that apply, or else the Allow statements that apply. */
  matchedStatements: TrustMatchedStatement[];
  /** Context keys that statements covering the action and the caller asked about and the request lacked. */
  missingContextKeys: string[];
}

type PrincipalTest = (principal: TrustPrincipal, pinned: ReadonlyMap<string, string>) => boolean;

interface TrustStatement {
  compiled: CompiledStatement;
  principal: PrincipalTest | null;
  notPrincipal: PrincipalTest | null;
}

const ANYONE: PrincipalTest = () => true;
const NOBODY: PrincipalTest = () => false;

/** An IAM identity (user, role session, root) rather than a service or a federated caller. */
function isIamIdentity(principal: TrustPrincipal): boolean {
  return principal.federated === undefined && principal.service === undefined;
}

function awsValueTest(value: string): PrincipalTest {
  const ref = readAwsPrincipal(value);
  switch (ref.kind) {
    case 'anyone':
      return ANYONE;
    case 'account':
      return (p) => isIamIdentity(p) && p.accountId === ref.accountId;
    case 'user':
    case 'role':
    case 'session':
      return (p, pinned) => isIamIdentity(p) && p.arns.includes(ref.arn) && pinned.get(ref.arn) === p.uniqueId;
    case 'federatedUser':
      return (p) => isIamIdentity(p) && p.arns.includes(ref.arn);
    case 'uniqueId':
      return (p) => isIamIdentity(p) && p.uniqueId === ref.uniqueId;
    case 'invalid':
      return NOBODY;
  }
}

function valueTest(type: string, value: string): PrincipalTest {
  if (type === 'AWS') return awsValueTest(value);
  if (type === 'Service') return (p) => p.service === value;
  if (type === 'Federated') return (p) => p.federated === value;
  // CanonicalUser names S3 accounts, which never assume a Gatehouse role.
  return NOBODY;
}

function principalSetTest(set: PrincipalSet | null): PrincipalTest | null {
  if (set === null) return null;
  if (set === '*') return ANYONE;
  const tests = Object.entries(set).flatMap(([type, values]) => values.map((value) => valueTest(type, value)));
  return (principal, pinned) => tests.some((test) => test(principal, pinned));
}

const compiledTrust = new WeakMap<PolicyDocument, TrustStatement[]>();

function compileTrust(document: PolicyDocument): TrustStatement[] {
  let statements = compiledTrust.get(document);
  if (statements === undefined) {
    const compiled = compilePolicy(document).statements;
    statements = document.statements.map((statement, i) => ({
      compiled: compiled[i]!,
      principal: principalSetTest(statement.principal),
      notPrincipal: principalSetTest(statement.notPrincipal),
    }));
    compiledTrust.set(document, statements);
  }
  return statements;
}

function namesCaller(statement: TrustStatement, principal: TrustPrincipal, pinned: ReadonlyMap<string, string>) {
  if (statement.principal) return statement.principal(principal, pinned);
  // A statement with neither element names nobody (the grammar refuses one).
  if (statement.notPrincipal) return !statement.notPrincipal(principal, pinned);
  return false;
}

function hasResourceElement(statement: CompiledStatement): boolean {
  return statement.resources.length > 0 || statement.notResource;
}

/**
 * Decides `request` against a trust policy (one `validateTrustPolicy` accepted, or one read
 * back from storage with `parsePolicyDocument`). The document is compiled once per object.
 */
export function evaluateTrust(document: PolicyDocument, request: TrustRequest): TrustResult {
  const action = request.action.toLowerCase();
  const context = prepareContext(request.context);
  const missing = new MissingKeys();
  const denies: TrustMatchedStatement[] = [];
  const allows: TrustMatchedStatement[] = [];
  for (const statement of compileTrust(document)) {
    const { compiled } = statement;
    if (!coversAction(compiled, action)) continue;
    if (!namesCaller(statement, request.principal, request.pinned)) continue;
    if (request.resource !== undefined && hasResourceElement(compiled)) {
      if (!coversResource(compiled, request.resource, context, missing)) continue;
    }
    if (!conditionsHold(compiled, context, missing)) continue;
    const matched = { statementIndex: compiled.index, sid: compiled.sid, effect: compiled.effect };
    (compiled.effect === 'Deny' ? denies : allows).push(matched);
  }
  const decision: EvalDecision = denies.length > 0 ? 'explicitDeny' : allows.length > 0 ? 'allowed' : 'implicitDeny';
  return {
    decision,
    matchedStatements: decision === 'explicitDeny' ? denies : decision === 'allowed' ? allows : [],
    missingContextKeys: missing.list(),
  };
}

/**
 * The trust policy as GetRole and ListRoles show it: every ARN the policy pinned whose
 * principal is gone is shown as the unique ID it pinned, as AWS does, so the reader sees the
 * principal the policy trusted is no longer there (and a new one under the same name is not
 * trusted). `isLive(uniqueId, arn)` says whether the principal with that ID still exists under
 * that ARN. ARNs without a pinned ID are shown as written. The document is not changed: a new
 * one is returned, for `formatPolicyDocument`.
 */
export function displayTrustPolicy(
  document: PolicyDocument,
  pinned: ReadonlyMap<string, string>,
  isLive: (uniqueId: string, arn: string) => boolean,
): PolicyDocument {
  const shown = (set: PrincipalSet | null): PrincipalSet | null => {
    if (set === null || set === '*' || set.AWS === undefined) return set;
    const aws = set.AWS.map((value) => {
      const id = pinned.get(value);
      return id !== undefined && !isLive(id, value) ? id : value;
    });
    return { ...set, AWS: aws };
  };
  return {
    ...document,
    statements: document.statements.map((statement) => ({
      ...statement,
      principal: shown(statement.principal),
      notPrincipal: shown(statement.notPrincipal),
    })),
  };
}
