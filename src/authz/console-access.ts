import type { Authorization } from '../policies/authorization.service.ts';
import type { Deps } from '../deps.ts';
import { type ConsoleCaller, consoleDecision, missingPermissionMessage } from './console-authorization.ts';

/**
 * How a page route is authorized, declared with the route (`pageRoutes` in
 * `src/web/page-route.ts`) and enforced before its handler. Pages decide their
 * links and forms from the same declarations (`mayUse`), with the same request context,
 * so a form is shown exactly when posting it would be allowed.
 */

/** What a console request acts on: its URL parameters, query and form, as the browser sent them. */
export interface AccessInput {
  params: Readonly<Record<string, string | undefined>>;
  query?: Readonly<Record<string, string | undefined>>;
  body: Readonly<Record<string, unknown>>;
}

export const NO_INPUT: AccessInput = Object.freeze({ params: {}, body: {} });

/** The resource ARN a request acts on, as the Query API names it for the same change. */
export type ResourceOf = (input: AccessInput, who: ConsoleCaller, deps: Deps) => string | Promise<string>;

/** One permission a route needs. */
export interface Need {
  /** The IAM action the Query API decides for the same change, e.g. `iam:DeleteUser`. */
  action: string;
  resource: ResourceOf;
  /** Needed only for some requests, e.g. a console password given with a new user. */
  when?: (input: AccessInput) => boolean;
  /** Condition keys the Query API adds for the same request, e.g. `iam:PolicyARN` when attaching a policy. */
  conditionKeys?: (input: AccessInput) => Record<string, string>;
  /** A documented case in which Gatehouse allows the request without the permission. */
  waiver?: { reason: string; applies(who: ConsoleCaller, deps: Deps): Promise<boolean> };
  /** The refusal in words the person can act on, instead of the generic one. */
  explain?: (result: Authorization, who: ConsoleCaller, deps: Deps) => Promise<string>;
}

/** What every kind of access may add. */
interface AccessCommon {
  /**
   * Whether the request acts on the signed-in principal's own credentials (its password, MFA
   * devices, access keys): closed while the console acts as a role, whatever the role's policies
   * allow, as in AWS, where a role has no credentials of its own to manage.
   */
  ownCredentials?: (input: AccessInput) => boolean;
}

export type RouteAccess = AccessCommon &
  /** Decided by the policy engine: every applicable need must be allowed. */
  (
    | { kind: 'permission'; needs: readonly Need[]; allowRestricted: boolean }
    /** Something only the root user has (its email, the account phone); AWS has no IAM action for it. */
    | { kind: 'root-only'; reason: string }
    /** The signed-in principal's own session state, with no IAM action behind it. */
    | { kind: 'own-session'; reason: string; allowRestricted: boolean }
    /** A session that proved its password and still owes a second factor: only the MFA step. */
    | { kind: 'mfa-step'; reason: string }
    /** No session needed (sign-in pages, sign-out); CSRF is still checked on a form. */
    | { kind: 'no-session'; reason: string }
  );

/**
 * A route decided by the policy engine. `allowRestricted`: also open to a session that
 * must change its password first (only the change itself).
 */
export function permission(needs: Need | readonly Need[], options: { allowRestricted?: boolean } = {}): RouteAccess {
  return {
    kind: 'permission',
    needs: Array.isArray(needs) ? needs : [needs as Need],
    allowRestricted: options.allowRestricted ?? false,
  };
}

export function rootOnly(reason: string): RouteAccess {
  return { kind: 'root-only', reason };
}

/** `allowRestricted`: also open to a session that must change its password first. */
export function ownSession(reason: string, options: { allowRestricted?: boolean } = {}): RouteAccess {
  return { kind: 'own-session', reason, allowRestricted: options.allowRestricted ?? false };
}

/** `access`, on the signed-in principal's own credentials (for the requests `when` picks out): closed while acting as a role. */
export function ownCredentials(access: RouteAccess, when: (input: AccessInput) => boolean = () => true): RouteAccess {
  return { ...access, ownCredentials: when };
}

/** Why a console acting as a role is not offered the signed-in user's own credentials. */
export function actingAsRoleMessage(roleName: string): string {
  return `You are acting as role ${roleName}: a role has no password, MFA devices or access keys of its own. Switch back to manage your own credentials.`;
}

export function mfaStep(reason: string): RouteAccess {
  return { kind: 'mfa-step', reason };
}

export function noSession(reason: string): RouteAccess {
  return { kind: 'no-session', reason };
}

export type AccessDecision = { allowed: true } | { allowed: false; message: string };

const ALLOWED: AccessDecision = Object.freeze({ allowed: true });

/** Decides a declared route for a signed-in principal and what its request acts on. */
export async function decideAccess(
  deps: Deps,
  who: ConsoleCaller,
  access: RouteAccess,
  input: AccessInput = NO_INPUT,
): Promise<AccessDecision> {
  const refused = await refusal(deps, who, access, input);
  return refused ? { allowed: false, message: await refused.message() } : ALLOWED;
}

/** Whether a link or form for a declared route is shown: the decision its handler makes (and no more: not why). */
export async function mayUse(
  deps: Deps,
  who: ConsoleCaller,
  access: RouteAccess,
  input: AccessInput = NO_INPUT,
): Promise<boolean> {
  return (await refusal(deps, who, access, input)) === null;
}

/** Why the access is refused, worded only when asked (a link that is not shown needs no reason), or null when allowed. */
async function refusal(
  deps: Deps,
  who: ConsoleCaller,
  access: RouteAccess,
  input: AccessInput,
): Promise<{ message(): Promise<string> } | null> {
  const { principal } = who;
  if (principal.type === 'assumed-role' && access.ownCredentials?.(input))
    return { message: async () => actingAsRoleMessage(principal.roleName) };
  switch (access.kind) {
    case 'no-session':
    case 'mfa-step':
    case 'own-session':
      return null;
    case 'root-only':
      return principal.type === 'root'
        ? null
        : { message: async () => `Only the root user can do this. ${access.reason}` };
    case 'permission':
      for (const need of access.needs) {
        if (need.when && !need.when(input)) continue;
        const caller = need.conditionKeys ? { ...who, context: { ...who.context, ...need.conditionKeys(input) } } : who;
        const result = await consoleDecision(deps, caller, need.action, await need.resource(input, who, deps));
        if (result.decision === 'allowed') continue;
        if (need.waiver && (await need.waiver.applies(who, deps))) continue;
        const { explain } = need;
        return {
          message: async () => (explain ? explain(result, who, deps) : missingPermissionMessage(result)),
        };
      }
      return null;
  }
}

/** A text field of the request's form ('' when absent or not text). */
export function formText(input: AccessInput, name: string): string {
  const value = input.body[name];
  return typeof value === 'string' ? value : '';
}

/** A query parameter of the request ('' when absent). */
export function queryText(input: AccessInput, name: string): string {
  return input.query?.[name] ?? '';
}

/** A URL parameter of the request ('' when absent). */
export function param(input: AccessInput, name: string): string {
  return input.params[name] ?? '';
}
