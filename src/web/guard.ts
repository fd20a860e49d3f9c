import type { FastifyReply, FastifyRequest } from 'fastify';
import { MFA_REQUIRED, demandMfa } from '../mfa/mfa-signin.service.ts';
import { consoleAbilities } from '../authz/console-abilities.ts';
import { GatehouseError } from '../shared/errors.ts';
import type { SignedIn, WebContext } from './web-context.ts';

/** The signed-in principal of each request that reached a console page, for its handler and its error page. */
const signedInRequests = new WeakMap<FastifyRequest, SignedIn>();

/**
 * The signed-in principal, or null after answering with a redirect: to sign-in when
 * there is no valid session, to the MFA step while a second factor is owed, to the
 * change-password page while one is required.
 */
export async function requireSignIn(
  web: WebContext,
  request: FastifyRequest,
  reply: FastifyReply,
  options: { allowRestricted?: boolean } = {},
): Promise<SignedIn | null> {
  const who = await web.signedIn(request);
  if (!who) {
    if (request.cookies[web.sessionCookie]) reply.clearCookie(web.sessionCookie, web.cookieOptions());
    await reply.redirect('/signin', 303);
    return null;
  }
  // A session owes a second factor until it proves one: only the MFA step is open to it.
  if (who.session.restriction !== MFA_REQUIRED && !who.session.mfaAt && who.mfaEnabled) {
    await demandMfa(web.deps, who.session);
  }
  if (who.session.restriction === MFA_REQUIRED) {
    await reply.redirect('/signin/mfa', 303);
    return null;
  }
  if (who.session.restriction === 'password_change_required' && !options.allowRestricted) {
    await reply.redirect('/console/change-password', 303);
    return null;
  }
  // Only a request that goes on to a console page needs its links: not the redirects above.
  who.principal.abilities = await consoleAbilities(web.deps, who);
  signedInRequests.set(request, who);
  return who;
}

/** Who is signed in for this request, once `requireSignIn` let it through; undefined before. */
export function signedInDuring(request: FastifyRequest): SignedIn | undefined {
  return signedInRequests.get(request);
}

/**
 * The signed-in principal of a route whose declared access (`config.access`) was
 * enforced before the handler. A handler of an undeclared route has none: it fails closed.
 */
export function signedInOf(request: FastifyRequest): SignedIn {
  const who = signedInRequests.get(request);
  if (!who)
    throw new GatehouseError(
      'InternalError',
      `The route ${request.routeOptions.url ?? ''} declares no console access.`,
    );
  return who;
}
