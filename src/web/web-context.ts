import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '../config/config.ts';
import type { Principal } from '../identities/principal.ts';
import { type ConsoleAbilities, NO_ABILITIES } from '../authz/console-abilities.ts';
import { consoleContext } from '../authz/console-authorization.ts';
import { type AuthorizationContext, decideWithinOneRequest } from '../policies/authorization.service.ts';
import type { SessionRecord } from '../sessions/session.repository.ts';
import { checkSessionWithPrincipal, endSession } from '../sessions/session.service.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError, invalid } from '../shared/errors.ts';
import { hmac, randomBase32, safeEqual } from '../shared/secrets.ts';
import { formatAccountId } from '../shared/validation.ts';
import { recentRoleFor } from '../switch-role/role-history.ts';
import { type Switched, actingAs } from '../switch-role/switched-session.service.ts';
import type { RoleBanner } from './layout.ts';
import { metaOf } from './request-meta.ts';

/** The principal a console request acts as, with the pages it may open and, after Switch role, its banner. */
export type ConsolePrincipal = Principal & { abilities: ConsoleAbilities; switched?: RoleBanner | undefined };

export interface SignedIn {
  session: SessionRecord;
  /** Whether the principal had an enabled MFA device when the request began. */
  mfaEnabled: boolean;
  /**
   * The principal the request acts as, with the console pages its policies open to it (links
   * show exactly those): the signed-in root user or IAM user, or after Switch role the role session.
   */
  principal: ConsolePrincipal;
  /** After Switch role: the IAM user who signed in, and the role session it acts as; null otherwise. */
  switched: Switched | null;
  /**
   * The request's condition keys (aws:SourceIp, aws:SecureTransport, aws:MultiFactorAuth…):
   * every decision of the request, for its handler and for the links and forms it shows, uses them.
   */
  context: AuthorizationContext;
}

/**
 * What page routes share: cookie names and options, CSRF tokens, and the signed-in
 * principal. Built once per app and handed to each route plugin as an option.
 */
export class WebContext {
  readonly secure: boolean;
  readonly sessionCookie: string;
  readonly csrfCookie: string;
  readonly rememberCookie = 'gh_signin';
  /** The roles an IAM user switched to recently, in this browser (`src/switch-role/role-history.ts`). */
  readonly rolesCookie: string;
  /** Where a signed-out browser was going, kept for ten minutes while it signs in. */
  readonly nextCookie: string;
  readonly origin: string;
  readonly #csrfKey: Buffer;
  /** The form token of each CSRF nonce seen lately, so a page for a browser served before computes no HMAC. */
  readonly #csrfTokens = new Map<string, string>();
  /** Who each request that reached a console page was admitted as, for its error page's header. */
  readonly #admitted = new WeakMap<FastifyRequest, SignedIn>();

  constructor(
    readonly config: Config,
    readonly deps: Deps,
  ) {
    this.secure = config.publicUrl.protocol === 'https:';
    // __Host- cookies must be Secure, host-only and Path=/; browsers refuse them over http.
    this.sessionCookie = this.secure ? '__Host-gh_session' : 'gh_session';
    this.nextCookie = this.secure ? '__Host-gh_next' : 'gh_next';
    this.csrfCookie = this.secure ? '__Host-gh_csrf' : 'gh_csrf';
    this.rolesCookie = this.secure ? '__Host-gh_roles' : 'gh_roles';
    this.origin = config.publicUrl.origin;
    this.#csrfKey = deps.keyring.macKey('gatehouse csrf v1');
  }

  cookieOptions(maxAgeSeconds?: number) {
    return {
      path: '/',
      httpOnly: true,
      sameSite: 'lax' as const,
      secure: this.secure,
      ...(maxAgeSeconds !== undefined ? { maxAge: maxAgeSeconds } : {}),
    };
  }

  /**
   * The token a form carries: an HMAC of a random nonce kept in a cookie (signed
   * double-submit). Sets the cookie when the browser has none yet.
   */
  csrfToken(request: FastifyRequest, reply: FastifyReply): string {
    let nonce = request.cookies[this.csrfCookie];
    if (!nonce || !/^[a-z2-7]{32}$/.test(nonce)) {
      nonce = randomBase32(20);
      reply.setCookie(this.csrfCookie, nonce, this.cookieOptions());
      request.cookies[this.csrfCookie] = nonce;
    }
    return this.#tokenOf(nonce);
  }

  #tokenOf(nonce: string): string {
    let token = this.#csrfTokens.get(nonce);
    if (token === undefined) {
      token = hmac(this.#csrfKey, nonce).toString('hex');
      if (this.#csrfTokens.size >= CSRF_TOKENS_KEPT) this.#csrfTokens.delete(this.#csrfTokens.keys().next().value!);
      this.#csrfTokens.set(nonce, token);
    }
    return token;
  }

  /** Refuses a state-changing request from another origin or without the form's token. */
  assertCsrf(request: FastifyRequest): void {
    const origin = request.headers.origin;
    // Pages sent with `Referrer-Policy: no-referrer` (those carrying a token in their URL)
    // make browsers post `Origin: null`; then Sec-Fetch-Site below and the token decide.
    if (origin !== undefined && origin !== this.origin && origin !== 'null') {
      throw new GatehouseError('CsrfRejected', 'This form was sent from another site and was refused.');
    }
    const site = request.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') {
      throw new GatehouseError('CsrfRejected', 'This form was sent from another site and was refused.');
    }
    const body = request.body as Record<string, unknown> | undefined;
    // No form at all is a malformed request, not a forged one: say so plainly.
    if (body === null || typeof body !== 'object') throw invalid('form', 'The form was empty or not sent as a form.');
    const nonce = request.cookies[this.csrfCookie];
    const sent = body._csrf;
    if (!nonce || typeof sent !== 'string' || !safeEqual(sent, this.#tokenOf(nonce))) {
      throw new GatehouseError(
        'CsrfRejected',
        'This form has expired or was not sent from this site. Go back, reload the page and try again.',
      );
    }
  }

  async signedIn(request: FastifyRequest): Promise<SignedIn | null> {
    const found = await checkSessionWithPrincipal(this.deps, request.cookies[this.sessionCookie]);
    if (!found?.principal) return null;
    const acting = await actingAs(this.deps, found.session, found.principal, metaOf(request));
    const { switched } = acting;
    // The request's decisions (links, page checks) share one load of the principal's policies;
    // the console's links are decided by `requireSignIn`, once the request will show a console page.
    const principal = decideWithinOneRequest<ConsolePrincipal>({
      ...acting.principal,
      abilities: NO_ABILITIES,
      ...(switched ? { switched: this.#banner(request, switched) } : {}),
    });
    return {
      session: switched ? found.session : { ...found.session, roleCredentialId: null },
      principal,
      switched,
      mfaEnabled: found.mfaEnabled,
      // A role session keeps the MFA state its credentials were issued with, as AssumeRole's do.
      context: consoleContext(this.deps, switched ? switched.role.session.mfaAt : found.session.mfaAt, request),
    };
  }

  #banner(request: FastifyRequest, { user, role }: Switched): RoleBanner {
    const accountRef = role.accountAlias ?? formatAccountId(role.accountId);
    const chosen = recentRoleFor(request.cookies[this.rolesCookie], user.id, role);
    const left = Date.parse(role.session.expiresAt) - this.deps.clock.now().getTime();
    return {
      displayName: chosen?.displayName ?? `${role.roleName} @ ${accountRef}`,
      colour: chosen?.colour ?? 'blue',
      roleName: role.roleName,
      accountRef,
      userName: user.name,
      expiresAt: role.session.expiresAt,
      minutesLeft: Math.max(0, Math.floor(left / 60_000)),
    };
  }

  /** Remembers where a signed-out browser was going (a GET of a page), to land there after sign-in. */
  rememberDestination(request: FastifyRequest, reply: FastifyReply): void {
    if (request.method !== 'GET' || !isLocalPath(request.url)) return;
    reply.setCookie(this.nextCookie, request.url, this.cookieOptions(10 * 60));
  }

  /** Where to land once signed in: the remembered page, once, or `fallback`. */
  landing(request: FastifyRequest, reply: FastifyReply, fallback: string): string {
    const next = request.cookies[this.nextCookie];
    if (next === undefined) return fallback;
    reply.clearCookie(this.nextCookie, this.cookieOptions());
    return isLocalPath(next) ? next : fallback;
  }

  /** Records who `request` was admitted as (by the sign-in guard). */
  admitted(request: FastifyRequest, who: SignedIn): void {
    this.#admitted.set(request, who);
  }

  /** Who is signed in for this request, once the sign-in guard let it through; undefined before. */
  signedInDuring(request: FastifyRequest): SignedIn | undefined {
    return this.#admitted.get(request);
  }

  async signOut(request: FastifyRequest): Promise<void> {
    await endSession(this.deps, request.cookies[this.sessionCookie]);
  }
}

/** CSRF nonces whose tokens are kept (each 32 + 64 characters); beyond it the oldest goes first. */
const CSRF_TOKENS_KEPT = 10_000;

/**
 * A path on this site and nothing else: one leading `/`, not `//` or `/\` (which browsers
 * read as another host), printable ASCII only, bounded in length.
 */
export function isLocalPath(value: string): boolean {
  return value.length <= 512 && /^\/(?![/\\])[\x21-\x7e]*$/.test(value) && !value.includes('\\');
}
