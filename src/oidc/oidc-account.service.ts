import { type Actor, type RequestMeta, recordAudit } from '../audit/audit.service.ts';
import { consoleContext } from '../authz/console-authorization.ts';
import type { MfaMethod } from '../db/schema.ts';
import type { Deps } from '../deps.ts';
import { listGroupsOfUser } from '../identities/group.repository.ts';
import { type Principal, loadPrincipal } from '../identities/principal.ts';
import { type AuthorizationContext, authorize } from '../policies/authorization.service.ts';
import { findUserById } from '../identities/user.repository.ts';
import { type OidcClientRecord, emailOf, findConsent, saveConsent } from './oidc-client.repository.ts';
import { clientArn } from './oidc-client.service.ts';

/** The IAM action that decides who may sign in to a client (on the client's ARN). */
export const SIGN_IN_TO_CLIENT = 'gatehouse:SignInToClient';

/** `acr` values: a password alone, or a password and a second factor. */
export const ACR_PASSWORD = 'pwd';
export const ACR_MFA = 'mfa';

/**
 * The RFC 8176 `amr` value each second factor adds to `["pwd","mfa"]`: a one-time code from an
 * authenticator app, or a proof of a hardware key. A recovery code is neither (it adds nothing);
 * the root user's alternative factors are an email link and a phone code: several channels.
 */
const AMR_OF_METHOD: Record<MfaMethod, string | null> = {
  totp: 'otp',
  webauthn: 'hwk',
  'recovery-code': null,
  'alternative-factors': 'mca',
};

/** How a Gatehouse session signed in, as `acr` and `amr` say it (README, Single sign-on). */
export function authenticationOf(session: { mfaAt: string | null; mfaMethod: MfaMethod | null }): {
  acr: string;
  amr: string[];
} {
  if (!session.mfaAt) return { acr: ACR_PASSWORD, amr: ['pwd'] };
  const method = session.mfaMethod ? AMR_OF_METHOD[session.mfaMethod] : null;
  return { acr: ACR_MFA, amr: method ? ['pwd', 'mfa', method] : ['pwd', 'mfa'] };
}

/**
 * The condition keys `SignInToClient` is decided with at a refresh: the address and transport
 * of the refresh request (the application's server asks, not the browser), and the MFA of the
 * sign-in the refresh token comes from (`amr` and `auth_time`).
 */
export function refreshContext(
  deps: Pick<Deps, 'clock'>,
  request: { ip: string; protocol: string },
  signIn: { amr?: string[]; authTime?: number },
): AuthorizationContext {
  const mfaAt = signIn.amr?.includes('mfa') && signIn.authTime ? new Date(signIn.authTime * 1000).toISOString() : null;
  return consoleContext(deps, mfaAt, request);
}

/**
 * The principal a subject names: `sub` is the account ID for a root user and the user's
 * unique ID (AIDA…) otherwise. Null when it is gone.
 */
export async function principalOfSubject(deps: Deps, sub: string): Promise<Principal | null> {
  if (/^\d{12}$/.test(sub)) return loadPrincipal(deps.db, sub, sub);
  const user = await findUserById(deps.db, sub);
  return user ? loadPrincipal(deps.db, user.accountId, user.id) : null;
}

export type SignInRefusal = 'OtherAccount' | 'NotAPerson' | 'SignInToClientDenied';

/**
 * Whether `principal` may sign in to `client`: a person (root or IAM user) of the client's own
 * account, allowed `gatehouse:SignInToClient` on the client (root always is).
 */
export async function refusalToSignIn(
  deps: Deps,
  principal: Principal,
  client: OidcClientRecord,
  context: AuthorizationContext,
): Promise<SignInRefusal | null> {
  if (principal.accountId !== client.accountId) return 'OtherAccount';
  if (principal.type === 'assumed-role') return 'NotAPerson';
  const decision = await authorize(deps, principal, SIGN_IN_TO_CLIENT, clientArn(client.accountId, client.id), context);
  return decision.decision === 'allowed' ? null : 'SignInToClientDenied';
}

function actorOfPrincipal(principal: Principal): Actor {
  return { type: principal.type, id: principal.id, name: principal.type === 'root' ? 'root' : principal.name };
}

/** `OidcAuthorize` in the audit trail, for the principal's account (refusals of another account's user too). */
export async function recordAuthorize(
  deps: Deps,
  meta: RequestMeta,
  principal: Principal,
  clientId: string,
  refusal: SignInRefusal | null,
): Promise<void> {
  await recordAudit(deps.db, deps, meta, {
    accountId: principal.accountId,
    actor: actorOfPrincipal(principal),
    eventName: 'OidcAuthorize',
    outcome: refusal ? 'Failure' : 'Success',
    ...(refusal ? { reason: refusal } : {}),
    target: { id: clientId, name: null },
    details: { clientId },
  });
}

/**
 * `OidcToken` in the audit trail: the token endpoint issued tokens to `clientId` for `sub`, or
 * refused them (`refusal`: a refresh for someone no longer allowed to sign in to the client).
 */
export async function recordToken(
  deps: Deps,
  meta: RequestMeta,
  accountId: string,
  sub: string,
  clientId: string,
  grantType: string,
  refusal: SignInRefusal | null = null,
): Promise<void> {
  const root = sub === accountId;
  await recordAudit(deps.db, deps, meta, {
    accountId,
    actor: { type: root ? 'root' : 'user', id: sub, name: root ? 'root' : null },
    eventName: 'OidcToken',
    outcome: refusal ? 'Failure' : 'Success',
    ...(refusal ? { reason: refusal } : {}),
    target: { id: clientId, name: null },
    details: { clientId, grantType },
  });
}

/** Whether the person already agreed to every one of `scopes` for this client (first-party clients never ask). */
export async function consentCovers(
  deps: Deps,
  client: OidcClientRecord,
  principalId: string,
  scopes: string[],
): Promise<boolean> {
  if (client.firstParty) return true;
  const agreed = await findConsent(deps.db, client.id, principalId);
  return agreed !== null && scopes.every((s) => agreed.includes(s));
}

export async function recordConsent(deps: Deps, clientId: string, principalId: string, scopes: string[]) {
  await saveConsent(deps.db, clientId, principalId, scopes, deps.clock.now().toISOString());
}

/** The claims of a principal, by scope (README, Single sign-on). */
export async function claimsOf(deps: Deps, principal: Principal, scopes: ReadonlySet<string>) {
  const claims: Record<string, unknown> = {
    sub: principal.id,
    account_id: principal.accountId,
    account_alias: principal.accountAlias,
  };
  if (scopes.has('profile')) {
    claims.name = principal.name;
    claims.preferred_username = principal.name;
  }
  if (scopes.has('email')) {
    const email = await emailOf(deps.db, principal.accountId, principal.id);
    if (email) {
      claims.email = email.email;
      claims.email_verified = email.verified;
    }
  }
  if (scopes.has('groups'))
    claims.groups = principal.type === 'user' ? (await listGroupsOfUser(deps.db, principal.id)).map((g) => g.name) : [];
  return claims;
}
