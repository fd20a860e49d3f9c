import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { type AccessInput, type RouteAccess, decideAccess } from '../authz/console-access.ts';
import { GatehouseError } from '../shared/errors.ts';
import { requireSignIn } from './guard.ts';
import type { WebContext } from './web-context.ts';

/** Routes that must declare their access: every state-changing request to the console, and sign-out. */
function mustDeclare(route: RouteOptions): boolean {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  return (
    methods.some((m) => m !== 'GET' && m !== 'HEAD') && (route.url.startsWith('/console') || route.url === '/signout')
  );
}

function inputOf(request: FastifyRequest): AccessInput {
  const body = request.body;
  return {
    params: (request.params ?? {}) as Record<string, string>,
    body: body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {},
  };
}

function enforce(web: WebContext, access: RouteAccess) {
  return async function checkAccess(request: FastifyRequest, reply: FastifyReply) {
    if (request.method !== 'GET' && request.method !== 'HEAD') web.assertCsrf(request);
    if (access.kind === 'no-session') return;
    const who = await requireSignIn(web, request, reply, {
      allowRestricted: access.kind === 'permission' && access.allowRestricted,
    });
    // Redirected to sign-in, the MFA step or the forced password change: the handler never runs.
    if (!who) return reply;
    const decision = await decideAccess(web.deps, who, access, inputOf(request));
    if (!decision.allowed) throw new GatehouseError('AccessDenied', decision.message);
  };
}

/**
 * Console authorization in one place: a route that declares `config.access` gets a
 * pre-handler that checks CSRF (state-changing methods), the session, and the declared
 * permission with the request's condition keys; its handler reads the principal with
 * `signedInOf(request)`. A state-changing console route that declares nothing stops the app
 * from being built, so it can never be served open. Call before any route is registered.
 */
export function installRouteAccess(app: FastifyInstance, web: WebContext): void {
  app.addHook('onRoute', (route) => {
    const access = route.config?.access;
    if (route.config?.pageRoute) return;
    if (!access) {
      if (mustDeclare(route))
        throw new Error(`${route.url} changes state but declares no console access (config.access)`);
      return;
    }
    const check = enforce(web, access);
    const existing = route.preHandler ? (Array.isArray(route.preHandler) ? route.preHandler : [route.preHandler]) : [];
    route.preHandler = [...existing, check];
  });
}
