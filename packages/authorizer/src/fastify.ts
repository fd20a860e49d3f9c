import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Authorizer, Intent, Verdict } from './authorizer.ts';
import { errorJson, errorXml } from './error-responses.ts';
import { receivedRequest } from './node-http.ts';

export interface GatehouseFastifyOptions {
  authorizer: Authorizer;
  /** What a request means to the service; null leaves it unguarded. */
  intentOf(request: FastifyRequest): Intent | null;
  /** Error bodies as XML (S3's shape, the default) or JSON. */
  format?: 'xml' | 'json';
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The verdict on this request, once allowed: who signed it. */
    gatehouse?: Extract<Verdict, { allowed: true }>;
  }
}

/**
 * A Fastify plugin: every request passes the authorizer before its route runs. Register it with
 * `fastify-plugin` semantics (it sets `skip-override`), so it guards the routes of the app it is
 * registered on.
 */
export async function gatehouseAuthorization(app: FastifyInstance, options: GatehouseFastifyOptions): Promise<void> {
  app.addHook('onRequest', async (request, reply) => {
    const intent = options.intentOf(request);
    if (!intent) return;
    const verdict = await options.authorizer.verifyAndAuthorize(receivedRequest(request.raw), intent);
    if (verdict.allowed) {
      request.gatehouse = verdict;
      return;
    }
    const body = { code: verdict.code, message: verdict.message, requestId: String(request.id) };
    const json = options.format === 'json';
    return reply
      .status(verdict.status)
      .type(json ? 'application/json' : 'application/xml')
      .send(json ? errorJson(body) : errorXml(body));
  });
}
(gatehouseAuthorization as unknown as Record<symbol, boolean>)[Symbol.for('skip-override')] = true;
