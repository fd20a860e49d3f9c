import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SignedIn, WebContext } from './web-context.ts';

/**
 * Secrets the console shows once (a new user's console password, a new access key's
 * secret, and their `.csv` downloads) travel to the page that shows them in a cookie:
 * sealed (AES-GCM) for this session and this one URL, sent only to that URL, short-lived,
 * and cleared by the response that reads it. Nothing is kept on the server and nothing goes
 * into a URL or a log: reloading the page, or asking for the download again, finds nothing.
 */

/** What a handoff carries: text and flags, never more than one page needs. */
export type HandoffPayload = Record<string, string | boolean>;

/** A handoff's slot: which kind of secret, and the one URL (path) it is for. */
export interface HandoffSlot {
  kind: 'sign-in-details' | 'credentials-csv';
  path: string;
}

/** Long enough to follow a redirect or press a download button; no longer. */
const HANDOFF_SECONDS = 600;

interface Exchange {
  web: WebContext;
  request: FastifyRequest;
  reply: FastifyReply;
  who: SignedIn;
}

function cookieName(web: WebContext, slot: HandoffSlot): string {
  // `__Host-` needs Path=/; `__Secure-` still keeps an http page from setting it.
  return `${web.secure ? '__Secure-' : ''}gh_once_${slot.kind}`;
}

function bindingOf(who: SignedIn, slot: HandoffSlot): string {
  return `${slot.kind}\n${who.session.id}\n${slot.path}`;
}

function options(web: WebContext, slot: HandoffSlot, maxAge?: number) {
  return {
    ...web.cookieOptions(maxAge),
    path: slot.path,
    sameSite: 'strict' as const,
  };
}

/** Gives the browser `payload` for the next request to `slot.path`, in this session only. */
export function handOver(x: Exchange, slot: HandoffSlot, payload: HandoffPayload): void {
  const expiresAt = x.web.deps.clock.now().getTime() + HANDOFF_SECONDS * 1000;
  const sealed = x.web.deps.keyring
    .box('console-handoff')
    .seal(JSON.stringify({ ...payload, expiresAt }), bindingOf(x.who, slot));
  x.reply.setCookie(cookieName(x.web, slot), sealed, options(x.web, slot, HANDOFF_SECONDS));
}

/**
 * The payload handed over for this request's URL in this session, once: the cookie is
 * cleared whatever it held. Null when there is none, it expired, or it was sealed for
 * another session or URL.
 */
export function takeHandoff(x: Exchange, slot: HandoffSlot): HandoffPayload | null {
  const name = cookieName(x.web, slot);
  const sealed = x.request.cookies[name];
  if (sealed === undefined) return null;
  x.reply.clearCookie(name, options(x.web, slot));
  const opened = x.web.deps.keyring.box('console-handoff').open(sealed, bindingOf(x.who, slot));
  if (opened === null) return null;
  const { expiresAt, ...payload } = JSON.parse(opened) as HandoffPayload & { expiresAt: number };
  return expiresAt > x.web.deps.clock.now().getTime() ? payload : null;
}
