import type { FastifyInstance, RouteOptions } from 'fastify';

/** Routes that must be page routes: every state-changing request to the console, and sign-out. */
function mustDeclare(route: RouteOptions): boolean {
  const methods = Array.isArray(route.method) ? route.method : [route.method];
  return (
    methods.some((m) => m !== 'GET' && m !== 'HEAD') && (route.url.startsWith('/console') || route.url === '/signout')
  );
}

/**
 * Console authorization has one way in: `pageRoutes` (`src/web/page-route.ts`), whose routes
 * declare their access and have it enforced before their handler. A state-changing console
 * route registered any other way, or a route that declares access the helper does not
 * enforce, stops the app from being built, so it can never be served open. Call before any
 * route is registered.
 */
export function installRouteAccess(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.config?.pageRoute) return;
    if (route.config?.access) throw new Error(`${route.url} declares access but is not a page route (pageRoutes)`);
    if (mustDeclare(route)) throw new Error(`${route.url} changes state but is not a page route declaring its access`);
  });
}
