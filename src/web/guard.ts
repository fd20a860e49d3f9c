import type { FastifyReply, FastifyRequest } from 'fastify';
import { MFA_REQUIRED, demandMfa } from '../mfa/mfa-signin.service.ts';
import { consoleAbilities } from '../authz/console-abilities.ts';
import type { SignedIn, WebContext } from './web-context.ts';

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
  web.admitted(request, who);
  return who;
}
