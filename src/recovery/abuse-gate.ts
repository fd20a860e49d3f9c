import type { FastifyRequest } from 'fastify';
import { CHECK_FIELD, CHECK_MESSAGES } from '../security-check/security-check.service.ts';
import { GatehouseError, invalid } from '../shared/errors.ts';
import type { WebContext } from '../web/web-context.ts';

export type RecoveryForm = 'forgot-password' | 'find-account' | 'ask-administrator';

export { CHECK_FIELD };

/**
 * The one place the recovery forms ask "may this request go on?": the address and its
 * network must have tokens left, and the form must carry a solved security check (always,
 * on these forms). It throws a GatehouseError the form shows (`Throttled`, or a
 * ValidationError on `altcha` naming what was wrong with the check). It never looks at
 * the address typed, so it answers the same for known and unknown ones.
 */
export async function passRecoveryGate(web: WebContext, request: FastifyRequest, _form: RecoveryForm): Promise<void> {
  const { throttle, check, metrics } = web.deps.guard;
  if (!(await throttle.admitSource(request.ip, web.deps.clock.now()))) {
    metrics.throttle('recovery');
    throw new GatehouseError('Throttled', 'Too many requests came from your network. Wait a minute, then try again.');
  }
  const presented = (request.body as Record<string, unknown> | undefined)?.altcha;
  const problem = await check.verify(typeof presented === 'string' ? presented : undefined);
  if (problem) {
    if (problem !== 'missing') metrics.checksRefused++;
    throw invalid('altcha', CHECK_MESSAGES[problem]);
  }
  metrics.checksSolved++;
}
