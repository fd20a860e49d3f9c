import { readFileSync } from 'node:fs';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { signupRoutes } from './accounts/signup.routes.ts';
import type { Config } from './config/config.ts';
import { consoleRoutes } from './console/console.routes.ts';
import type { Deps } from './shared/deps.ts';
import { randomBase32 } from './shared/secrets.ts';
import { signinRoutes } from './signin/signin.routes.ts';
import { usersRoutes } from './users/users.routes.ts';
import { installPageErrorHandler } from './web/error-pages.ts';
import { addSecurityHeaders } from './web/security-headers.ts';
import { WebContext } from './web/web-context.ts';

export interface AppDeps extends Deps {
  /** Key for CSRF tokens and encrypted secrets (32 bytes). */
  secretKey: Buffer;
}

const STYLESHEET = readFileSync(new URL('./web/static/gatehouse.css', import.meta.url));

/** Paths whose query string may carry a secret: logged without it. */
function loggableUrl(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : `${url.slice(0, q)}?…`;
}

/**
 * Builds the HTTP server without listening. Tests call `app.inject()` on it; `serve`
 * listens. Everything it needs comes in through `config` and `deps`.
 */
export async function buildApp(config: Config, deps: AppDeps, options: { logger?: boolean } = {}): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: config.logLevel,
            redact: { paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'], censor: '[redacted]' },
            serializers: {
              req: (req) => ({ method: req.method, url: loggableUrl(req.url), remoteAddress: req.ip }),
            },
          },
    genReqId: () => randomBase32(10),
    bodyLimit: 128 * 1024,
    // Fastify accepts a hop count too; its types list only the other forms.
    trustProxy: config.trustProxy as FastifyServerOptions['trustProxy'],
    return503OnClosing: true,
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
  } satisfies FastifyServerOptions);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
  });
  addSecurityHeaders(app, { https: config.publicUrl.protocol === 'https:' });
  await app.register(cookie);
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  installPageErrorHandler(app);

  app.get('/static/gatehouse.css', async (_request, reply) =>
    reply.header('Cache-Control', 'public, max-age=3600').type('text/css; charset=utf-8').send(STYLESHEET),
  );
  app.get('/healthz', async (_request, reply) => reply.send({ status: 'ok' }));
  app.get('/', async (_request, reply) => reply.redirect('/signin', 303));

  const web = new WebContext(config, deps, deps.secretKey);
  await app.register(signinRoutes, { web });
  await app.register(signupRoutes, { web });
  await app.register(consoleRoutes, { web });
  await app.register(usersRoutes, { web });
  return app;
}
