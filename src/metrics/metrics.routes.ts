import type { FastifyInstance } from 'fastify';
import type { Deps } from '../shared/deps.ts';

/**
 * `GET /metrics`: Prometheus text format. Counts only (no identifiers, addresses or
 * secrets); put it behind the load balancer's internal listener if it should not be public.
 */
export async function metricsRoutes(app: FastifyInstance, { deps }: { deps: Deps }): Promise<void> {
  app.get('/metrics', async (_request, reply) =>
    reply.type('text/plain; version=0.0.4; charset=utf-8').send(deps.guard.metrics.render(deps.hasher)),
  );
}
