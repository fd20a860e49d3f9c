import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import type { RiskLevel } from '../guard/throttle.ts';
import type { WebContext } from '../web/web-context.ts';

const widget = fileURLToPath(import.meta.resolve('altcha/external'));
const STATIC_FILES: Record<string, { type: string; body: Buffer }> = {
  '/static/security-check.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(new URL('./security-check.js', import.meta.url)),
  },
  '/static/altcha/altcha.js': { type: 'text/javascript; charset=utf-8', body: readFileSync(widget) },
  '/static/altcha/altcha.css': {
    type: 'text/css; charset=utf-8',
    body: readFileSync(new URL('./altcha.css', `file://${widget}`)),
  },
  '/static/altcha/pbkdf2.js': {
    type: 'text/javascript; charset=utf-8',
    body: readFileSync(new URL('../workers/pbkdf2.js', `file://${widget}`)),
  },
};

/** Challenges one address may fetch in a burst, and regain per minute. */
const CHALLENGE_RULE = { burst: 60, intervalMs: 2_000 };

/**
 * The security check's endpoints: a fresh challenge for the widget (its work rises with
 * the risk seen from the caller's network and across the service), and the widget's files.
 */
export async function securityCheckRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  for (const [path, file] of Object.entries(STATIC_FILES)) {
    app.get(path, async (_request, reply) =>
      reply.header('Cache-Control', 'public, max-age=3600').type(file.type).send(file.body),
    );
  }

  // `level` is the risk the form was shown at (a sign-in whose identifier is at risk asks for more
  // than its network alone would); the verifier requires the risk at the moment of the attempt
  // anyway, so asking for less only earns a refused check.
  app.get<{ Querystring: { level?: string } }>('/security-check/challenge', async (request, reply) => {
    const { throttle, check, metrics } = web.deps.guard;
    const now = web.deps.clock.now();
    if (!(await throttle.store.take(`challenge:${request.ip}`, CHALLENGE_RULE, now.getTime()))) {
      metrics.throttle('challenge');
      return reply
        .status(429)
        .header('Retry-After', '2')
        .send({ message: 'Too many security checks requested. Wait a moment.' });
    }
    const level = Math.max(
      requestedLevel(request.query.level),
      await throttle.risk(null, request.ip, now),
    ) as RiskLevel;
    metrics.checksIssued++;
    return reply.send(await check.issue(level));
  });
}

function requestedLevel(raw: string | undefined): RiskLevel {
  return raw === '2' || raw === '3' ? (Number(raw) as RiskLevel) : 1;
}
