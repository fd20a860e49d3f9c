import cluster from 'node:cluster';
import type { FastifyInstance } from 'fastify';
import { instanceMetrics, serveMetricsToPrimary } from './cluster-metrics.ts';
import type { WebContext } from '../web/web-context.ts';
import { renderMetrics } from './metrics.ts';

/**
 * `GET /metrics`: Prometheus text format. Counts only (no identifiers, addresses or
 * secrets); put it behind the load balancer's internal listener if it should not be public.
 * In a `serve --workers` worker it reports the sum over the instance's workers.
 */
export async function metricsRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const { deps } = web;
  const local = () => deps.guard.metrics.snapshot(deps.hasher);
  if (cluster.isWorker) serveMetricsToPrimary(local);
  app.get('/metrics', async (_request, reply) => {
    const snapshot = cluster.isWorker ? await instanceMetrics() : local();
    // One worker's own counts would read as a counter reset: better a failed scrape.
    if (!snapshot)
      return reply
        .status(503)
        .header('Retry-After', '1')
        .type('text/plain; charset=utf-8')
        .send('metrics are unavailable: the primary process did not answer\n');
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(renderMetrics(snapshot));
  });
}
