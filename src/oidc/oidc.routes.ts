import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type Provider from 'oidc-provider';
import type { RequestMeta } from '../audit/audit.service.ts';
import { noSession } from '../authz/console-access.ts';
import { GatehouseError } from '../shared/errors.ts';
import { hmac, safeEqual } from '../shared/secrets.ts';
import { endSession } from '../sessions/session.service.ts';
import { requireSignIn } from '../web/guard.ts';
import { type Page, type PageResult, pageRoutes, redirect } from '../web/page-route.ts';
import { metaOf } from '../web/request-meta.ts';
import type { SignedIn, WebContext } from '../web/web-context.ts';
import {
  ACR_MFA,
  authenticationOf,
  consentCovers,
  recordAuthorize,
  recordConsent,
  refusalToSignIn,
} from './oidc-account.service.ts';
import { findClientById } from './oidc-client.service.ts';
import { consentPage, continuePage, loggedOutPage, logoutPage, oidcErrorPage } from './oidc.pages.ts';
import { createOidcProvider } from './oidc-provider.ts';
import { OIDC_SCOPES } from './oidc-scopes.ts';
import { OIDC_PREFIX, providerUrls } from './oidc-issuer.ts';

/** The provider's prefix under PUBLIC_URL (defined with the issuer's URLs; named here too for those who mount it). */

const INTERACTION = '/signin/sso/:uid';

const SSO = noSession(
  'An application sent the browser here to sign in: the page signs in with the browser’s Gatehouse session, or sends it to sign in first.',
);

/**
 * Gatehouse as an OpenID Connect provider. oidc-provider (a Koa application) answers everything
 * under `/oidc` on the raw request, with Fastify's body parsing left out of that prefix; its
 * sign-in ("interaction") is `/signin/sso/:uid`, which hands over to the console's own sign-in
 * pages and comes back here with the session.
 */
export async function oidcRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const { config, deps } = web;
  const { issuer } = providerUrls(config.publicUrl.origin);
  const metas = new WeakMap<IncomingMessage, RequestMeta>();
  // Made on the first request that needs it (its keys are read, or made, then): a server whose
  // SECRET_KEY does not open them still serves everything else, and says why on /oidc.
  let made: Promise<{ provider: Provider; handle: ReturnType<Provider['callback']> }> | null = null;
  const providerOf = () => {
    made ??= createOidcProvider(deps, issuer, {
      interactionPath: (uid) => `/signin/sso/${uid}`,
      logoutPage,
      loggedOutPage,
      errorPage: oidcErrorPage,
      metaOf: (req) => metas.get(req) ?? { ip: '', userAgent: '', requestId: '' },
      async signOut(ctx) {
        await endSession(deps, ctx.cookies.get(web.sessionCookie, { signed: false }));
        ctx.cookies.set(web.sessionCookie, null, { ...web.cookieOptions(), signed: false });
      },
    }).then(
      (provider) => ({ provider, handle: provider.callback() }),
      (error: unknown) => {
        made = null;
        throw error;
      },
    );
    return made;
  };
  const proto = config.publicUrl.protocol.slice(0, -1);

  await app.register(async (scope) => {
    // The provider reads its own request bodies (forms and JSON): nothing is parsed before it.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
    const mount = async (request: FastifyRequest, reply: FastifyReply) => {
      const raw = request.raw as IncomingMessage & { originalUrl?: string };
      metas.set(raw, metaOf(request));
      raw.originalUrl = raw.url;
      raw.url = raw.url!.slice(OIDC_PREFIX.length) || '/';
      // The provider builds its URLs from the host and scheme it was reached at: those of PUBLIC_URL.
      raw.headers['x-forwarded-host'] = config.publicUrl.host;
      raw.headers['x-forwarded-proto'] = proto;
      // The provider's own pages (sign-out question, errors) may not be framed either.
      reply.raw.setHeader('X-Frame-Options', 'DENY');
      reply.raw.setHeader('Content-Security-Policy', "frame-ancestors 'none'");
      reply.raw.setHeader('X-Content-Type-Options', 'nosniff');
      reply.raw.setHeader('Referrer-Policy', 'same-origin');
      const { handle } = await providerOf();
      reply.hijack();
      await handle(raw, reply.raw);
    };
    scope.all(OIDC_PREFIX, mount);
    scope.all(`${OIDC_PREFIX}/*`, mount);
  });

  const pages = pageRoutes(app, web);
  pages.get(INTERACTION, { access: SSO }, async (p) => interaction(p, (await providerOf()).provider, web, null));
  pages.post(INTERACTION, { access: SSO, form: { decision: { max: 8 } } }, async (p) =>
    interaction(p, (await providerOf()).provider, web, p.form.decision === 'allow' ? 'allow' : 'deny'),
  );
}

/** A marker, bound to one interaction, that the browser was signed out to sign in again for it. */
function reauthMarker(web: WebContext, uid: string): string {
  return hmac(web.deps.keyring.macKey('gatehouse oidc reauth v1'), uid).toString('hex');
}

const REAUTH_COOKIE = 'gh_sso_reauth';

async function interaction(
  p: Page<Record<string, { max: number }>, { uid: string }>,
  provider: Provider,
  web: WebContext,
  decision: 'allow' | 'deny' | null,
): Promise<PageResult> {
  const { request, reply, deps } = p;
  const details = await provider.interactionDetails(request.raw, reply.raw).catch(() => null);
  if (!details || details.uid !== p.params.uid)
    throw new GatehouseError(
      'ValidationError',
      'This sign-in request has expired or was started in another browser. Go back to the application and sign in again.',
    );
  const client = await findClientById(deps, String(details.params.client_id));
  if (!client) throw new GatehouseError('NoSuchEntity', 'The application that sent you here is not registered.');
  const finish = async (result: Record<string, unknown>) =>
    continuePage(
      await provider.interactionResult(request.raw, reply.raw, result, { mergeWithLastSubmission: false }),
      client.name,
    );

  const who = await requireSignIn(web, request, reply);
  if (!who) return reply;
  if (needsFreshSignIn(web, who, request, details.uid, details.prompt.reasons, details.params.max_age)) {
    await web.signOut(request);
    reply.clearCookie(web.sessionCookie, web.cookieOptions());
    reply.setCookie(REAUTH_COOKIE, reauthMarker(web, details.uid), web.cookieOptions(10 * 60));
    web.rememberDestination(request, reply);
    return redirect('/signin');
  }
  if (request.cookies[REAUTH_COOKIE]) reply.clearCookie(REAUTH_COOKIE, web.cookieOptions());

  const principal = who.principal;
  const refusal = await refusalToSignIn(deps, principal, client, who.context);
  await recordAuthorize(deps, p.meta, principal, client.id, refusal);
  if (refusal)
    return finish({
      error: 'access_denied',
      error_description: `${principalLabel(who)} may not sign in to this application`,
    });
  const acrValues = String(details.params.acr_values ?? '').split(' ');
  if (acrValues.includes(ACR_MFA) && !who.session.mfaAt)
    return finish({
      error: 'access_denied',
      error_description: 'the application requires MFA, and this sign-in did not use it',
    });

  const scopes = String(details.params.scope ?? 'openid')
    .split(' ')
    .filter((s) => (OIDC_SCOPES as readonly string[]).includes(s));
  if (decision === 'deny') return finish({ error: 'access_denied', error_description: 'consent was refused' });
  if (decision === 'allow') await recordConsent(deps, client.id, principal.id, scopes);
  else if (!(await consentCovers(deps, client, principal.id, scopes)))
    return consentPage({
      csrf: p.csrf,
      action: `/signin/sso/${details.uid}`,
      clientName: client.name,
      who: principalLabel(who),
      scopes,
    });

  const grant = new provider.Grant({ accountId: principal.id, clientId: client.id });
  grant.addOIDCScope(scopes.join(' '));
  const grantId = await grant.save();
  return finish({
    login: {
      accountId: principal.id,
      ...authenticationOf(who.session),
      ts: authTime(web, who),
      remember: false,
    },
    consent: { grantId },
  });
}

function principalLabel(who: SignedIn): string {
  const p = who.principal;
  return p.type === 'root' ? `the root user of ${p.accountId}` : `${p.name} (${p.accountId})`;
}

function sessionAgeSeconds(web: WebContext, who: SignedIn): number {
  const at = who.session.mfaAt ?? who.session.createdAt;
  return Math.max(0, Math.floor((web.deps.clock.now().getTime() - new Date(at).getTime()) / 1000));
}

/**
 * `auth_time`, on the wall clock the provider and applications check it against: the
 * session's age (on Gatehouse's clock) before now.
 */
function authTime(web: WebContext, who: SignedIn): number {
  return Math.floor(Date.now() / 1000) - sessionAgeSeconds(web, who);
}

/**
 * Whether the application asked for a sign-in fresher than the browser's session
 * (`prompt=login`, or `max_age` shorter than the session's age) and the person has not just
 * signed in again for this very request.
 */
function needsFreshSignIn(
  web: WebContext,
  who: SignedIn,
  request: FastifyRequest,
  uid: string,
  reasons: string[],
  maxAge: unknown,
): boolean {
  const marker = request.cookies[REAUTH_COOKIE];
  if (marker && safeEqual(marker, reauthMarker(web, uid))) return false;
  if (reasons.includes('login_prompt')) return true;
  const limit = maxAge === undefined ? Number.NaN : Number(maxAge);
  return Number.isFinite(limit) && sessionAgeSeconds(web, who) > limit;
}
