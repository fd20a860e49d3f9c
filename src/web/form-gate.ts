import type { FastifyRequest } from 'fastify';
import { GatehouseError, invalid } from '../shared/errors.ts';
import type { WebContext } from './web-context.ts';
import type { RiskLevel } from '../guard/throttle.ts';
import { CHECK_MESSAGES } from '../guard/security-check.ts';

/**
 * The one place the forms that always carry the security check (recovery, the sign-in
 * doctor, support cases) ask "may this request go on?": the address and its network must
 * have tokens left, and the form must carry a solved check. It throws a GatehouseError the
 * form shows (`Throttled`, or a ValidationError on `altcha` naming what was wrong with the
 * check). It never looks at what was typed, so it answers the same for known and unknown
 * identifiers. `metricLabel` names the throttle layer in /metrics.
 */
export async function passFormGate(web: WebContext, request: FastifyRequest, metricLabel: string): Promise<void> {
  const { throttle, check, metrics } = web.deps.guard;
  const now = web.deps.clock.now();
  if (!(await throttle.admitSource(request.ip, now))) {
    metrics.throttle(metricLabel);
    throw new GatehouseError('Throttled', 'Too many requests came from your network. Wait a minute, then try again.');
  }
  const presented = (request.body as Record<string, unknown> | undefined)?.altcha;
  // These forms always ask for the check: at least the lowest level, more when the network or the service is at risk.
  const required = Math.max(1, await throttle.risk(null, request.ip, now)) as RiskLevel;
  const problem = await check.verify(typeof presented === 'string' ? presented : undefined, required);
  if (problem) {
    if (problem !== 'missing') metrics.checksRefused++;
    throw invalid('altcha', CHECK_MESSAGES[problem]);
  }
  metrics.checksSolved++;
}
