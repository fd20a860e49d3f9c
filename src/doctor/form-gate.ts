import type { FastifyRequest } from 'fastify';
import { CHECK_FIELD, CHECK_MESSAGES } from '../security-check/security-check.service.ts';
import { GatehouseError, invalid } from '../shared/errors.ts';
import type { WebContext } from '../web/web-context.ts';

export type HelpForm = 'diagnose' | 'support-case';

/** The security check's form field, for `readForm` specs of these forms. */
export { CHECK_FIELD };

/**
 * The one place the sign-in doctor and support forms ask "may this request go on?": the
 * network must have tokens left and the form must carry a solved security check (always,
 * on these forms). It never looks at what was typed, so it answers the same for known
 * and unknown identifiers.
 */
export async function passHelpFormGate(web: WebContext, request: FastifyRequest, form: HelpForm): Promise<void> {
  const { throttle, check, metrics } = web.deps.guard;
  if (!(await throttle.admitSource(request.ip, web.deps.clock.now()))) {
    metrics.throttle(form);
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
