import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { noSession } from '../authz/console-access.ts';
import type { RiskLevel } from '../guard/throttle.ts';
import { pageRoutes } from '../web/page-route.ts';
import type { WebContext } from '../web/web-context.ts';
import { issueSecurityCheck } from './security-check.service.ts';

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

const BEFORE_SIGN_IN = noSession('The security check is solved on sign-in and recovery forms, before any session.');

/**
 * The security check's endpoints: a fresh challenge for the widget (its work rises with
 * the risk seen from the caller's network and across the service), and the widget's files.
 */
export async function securityCheckRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const pages = pageRoutes(app, web);
  for (const [path, file] of Object.entries(STATIC_FILES)) {
    pages.get(path, { access: BEFORE_SIGN_IN }, (p) =>
      p.reply.header('Cache-Control', 'public, max-age=3600').type(file.type).send(file.body),
    );
  }

  // `level` is the risk the form was shown at (a sign-in whose identifier is at risk asks for more
  // than its network alone would).
  pages.get('/security-check/challenge', { access: BEFORE_SIGN_IN }, async (p) => {
    const challenge = await issueSecurityCheck(p.deps, p.request.ip, requestedLevel(p.query.level));
    if (!challenge)
      return p.reply
        .status(429)
        .header('Retry-After', '2')
        .send({ message: 'Too many security checks requested. Wait a moment.' });
    return p.reply.send(challenge);
  });
}

function requestedLevel(raw: string | undefined): RiskLevel {
  return raw === '2' || raw === '3' ? (Number(raw) as RiskLevel) : 1;
}
