import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SignedIn, WebContext } from './web-context.ts';

/**
 * The signed-in principal, or null after answering with a redirect: to sign-in when
 * there is no valid session, to the change-password page while one is required.
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
  if (who.session.restriction === 'password_change_required' && !options.allowRestricted) {
    await reply.redirect('/console/change-password', 303);
    return null;
  }
  return who;
}
