import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RequestMeta } from '../audit/audit.service.ts';
import { type AccessInput, type RouteAccess, decideAccess } from '../authz/console-access.ts';
import type { Deps } from '../deps.ts';
import { MFA_REQUIRED, mfaStepOpen } from '../mfa/mfa-signin.service.ts';
import { GatehouseError } from '../shared/errors.ts';
import { type FormSpec, readForm } from './forms.ts';
import { requireSignIn } from './guard.ts';
import { metaOf } from './request-meta.ts';
import type { SignedIn, WebContext } from './web-context.ts';

/**
 * One way to write a page route. The route declares what it needs: its access (which
 * also says the sign-in level: full, password-change-only with `allowRestricted`, the MFA
 * step, or none), its form, and the page to show again when a service refuses with a safe
 * error. The helper checks CSRF, the session and the permission, reads the form, runs the
 * handler and sends what it returns. Handlers read as "call the service, render the page".
 */

declare module 'fastify' {
  interface FastifyContextConfig {
    /** How the route is authorized (`permission(…)`, `rootOnly(…)`, … from `src/authz/console-access.ts`). */
    access?: RouteAccess;
    /** Set by `pageRoutes`: the route's access is enforced by its wrapper. */
    pageRoute?: true;
  }
}

/** What a handler returns: a page (200), a page with a status, a redirect, or the reply it answered itself. */
export type PageResult =
  | string
  | { status: number; html: string }
  | { redirect: string; status: 301 | 303 }
  | FastifyReply;

export function redirect(to: string, status: 301 | 303 = 303): PageResult {
  return { redirect: to, status };
}

export function withStatus(status: number, html: string): PageResult {
  return { status, html };
}

type Fields<F extends FormSpec> = { [K in keyof F]: string };

/** One request to a page route, with what its declaration made ready. */
export interface Page<
  F extends FormSpec = FormSpec,
  P = Record<string, string>,
  Q = Record<string, string | undefined>,
> {
  readonly request: FastifyRequest;
  readonly reply: FastifyReply;
  readonly web: WebContext;
  readonly deps: Deps;
  readonly params: P;
  readonly query: Q;
  /** The form, read strictly by the route's spec (empty for a GET). */
  readonly form: Fields<F>;
  /** The signed-in principal; a route with no session has none and fails closed. */
  readonly who: SignedIn;
  /** The CSRF token for the page's forms (sets the cookie on first use). */
  readonly csrf: string;
  readonly meta: RequestMeta;
  /**
   * Whether the signed-in principal may use `access` on what this request names (its URL
   * parameters, query and form): the decision that shows a link or form, or a page again.
   */
  may(access: RouteAccess): Promise<boolean>;
}

/** The page `render` makes when the person may use `access` (e.g. read the page a refused form comes back on); otherwise undefined, for the error page. */
export async function ifAllowed(
  page: Pick<Page, 'may'>,
  access: RouteAccess,
  render: () => Promise<PageResult> | PageResult,
): Promise<PageResult | undefined> {
  return (await page.may(access)) ? render() : undefined;
}

export interface PageRouteOptions<F extends FormSpec, P, Q> {
  access: RouteAccess;
  form?: F;
  /**
   * The page to show again when the handler's service refuses with a safe error (a
   * GatehouseError meant for the person, status below 500); the status is the error's
   * unless the result gives one. Return undefined to let the error reach the error page.
   */
  redisplay?: (page: Page<F, P, Q>, error: GatehouseError) => Promise<PageResult | undefined> | PageResult | undefined;
}

type Handler<F extends FormSpec, P, Q> = (page: Page<F, P, Q>) => Promise<PageResult> | PageResult;

function isReply(result: PageResult): result is FastifyReply {
  return typeof result === 'object' && 'raw' in result && 'request' in result;
}

async function send(reply: FastifyReply, result: PageResult, status = 200): Promise<FastifyReply> {
  if (typeof result === 'string') return reply.status(status).type('text/html; charset=utf-8').send(result);
  if (isReply(result)) return result;
  if ('redirect' in result) return reply.redirect(result.redirect, result.status);
  return reply.status(result.status).type('text/html; charset=utf-8').send(result.html);
}

function inputOf(request: FastifyRequest): AccessInput {
  const body = request.body;
  return {
    params: (request.params ?? {}) as Record<string, string>,
    query: (request.query ?? {}) as Record<string, string | undefined>,
    body: body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {},
  };
}

/**
 * The session waiting at the MFA step, or null after sending the browser where it
 * belongs: to sign-in without a session, to the console with a full one, and back to
 * sign-in (signed out) when the step expired.
 */
async function mfaStepSession(web: WebContext, request: FastifyRequest, reply: FastifyReply): Promise<SignedIn | null> {
  const who = await web.signedIn(request);
  if (who && (await mfaStepOpen(web.deps, who.session))) return who;
  if (who && who.session.restriction !== MFA_REQUIRED) {
    await reply.redirect('/console', 303);
    return null;
  }
  if (who) {
    await web.signOut(request);
    reply.clearCookie(web.sessionCookie, web.cookieOptions());
  }
  await reply.redirect('/signin', 303);
  return null;
}

/** The signed-in principal the access asks for, or null once the browser was redirected. */
async function admit(
  web: WebContext,
  request: FastifyRequest,
  reply: FastifyReply,
  access: RouteAccess,
): Promise<SignedIn | null | 'none'> {
  switch (access.kind) {
    case 'no-session':
      return 'none';
    case 'mfa-step':
      return mfaStepSession(web, request, reply);
    default: {
      const who = await requireSignIn(web, request, reply, {
        allowRestricted: (access.kind === 'permission' || access.kind === 'own-session') && access.allowRestricted,
      });
      if (!who) return null;
      const decision = await decideAccess(web.deps, who, access, inputOf(request));
      if (!decision.allowed) throw new GatehouseError('AccessDenied', decision.message);
      return who;
    }
  }
}

function pageOf<F extends FormSpec, P, Q>(
  web: WebContext,
  request: FastifyRequest,
  reply: FastifyReply,
  who: SignedIn | 'none',
  form: Fields<F>,
): Page<F, P, Q> {
  let csrf: string | undefined;
  return {
    request,
    reply,
    web,
    deps: web.deps,
    params: request.params as P,
    query: request.query as Q,
    form,
    get who(): SignedIn {
      if (who === 'none')
        throw new GatehouseError('InternalError', `The route ${request.routeOptions.url ?? ''} has no session.`);
      return who;
    },
    get csrf(): string {
      csrf ??= web.csrfToken(request, reply);
      return csrf;
    },
    meta: metaOf(request),
    async may(access: RouteAccess): Promise<boolean> {
      const input: AccessInput = {
        params: request.params as Record<string, string>,
        query: request.query as Record<string, string | undefined>,
        body: form,
      };
      return (await decideAccess(web.deps, this.who, access, input)).allowed;
    },
  };
}

function route<F extends FormSpec, P, Q>(
  web: WebContext,
  method: 'GET' | 'POST',
  options: PageRouteOptions<F, P, Q>,
  handler: Handler<F, P, Q>,
) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> => {
    if (method !== 'GET') web.assertCsrf(request);
    const who = await admit(web, request, reply, options.access);
    if (who === null) return reply;
    const form = (options.form ? readForm(request, options.form) : {}) as Fields<F>;
    const page = pageOf<F, P, Q>(web, request, reply, who, form);
    try {
      return await send(reply, await handler(page));
    } catch (error) {
      if (!(options.redisplay && error instanceof GatehouseError && error.safe && error.status < 500)) throw error;
      const again = await options.redisplay(page, error);
      if (again === undefined) throw error;
      return send(reply, again, error.status);
    }
  };
}

/** The URL parameters of a route path: `/console/users/:name` has `{ name: string }`. */
export type ParamsOf<U extends string> = U extends `${string}:${infer Name}/${infer Rest}`
  ? { [K in Name]: string } & ParamsOf<`/${Rest}`>
  : U extends `${string}:${infer Name}`
    ? { [K in Name]: string }
    : Record<never, never>;

type Query = Record<string, string | undefined>;

/**
 * Registers page routes on `app`. Every route declares its access; a state-changing
 * console route registered any other way stops the app from being built
 * (`installRouteAccess`).
 */
export function pageRoutes(app: FastifyInstance, web: WebContext) {
  return {
    get<U extends string>(
      url: U,
      options: Omit<PageRouteOptions<Record<never, never>, ParamsOf<U>, Query>, 'form'>,
      handler: Handler<Record<never, never>, ParamsOf<U>, Query>,
    ): void {
      app.get(url, { config: { access: options.access, pageRoute: true } }, route(web, 'GET', options, handler));
    },
    post<U extends string, F extends FormSpec = Record<never, never>>(
      url: U,
      options: PageRouteOptions<F, ParamsOf<U>, Query>,
      handler: Handler<F, ParamsOf<U>, Query>,
    ): void {
      app.post(url, { config: { access: options.access, pageRoute: true } }, route(web, 'POST', options, handler));
    },
  };
}
