import { readFileSync } from 'node:fs';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import Fastify, { type FastifyInstance, type FastifyServerOptions, type RouteOptions } from 'fastify';
import { accountAliasRoutes } from './accounts/account-alias.routes.ts';
import { signupRoutes } from './accounts/signup.routes.ts';
import type { Config } from './config/config.ts';
import { consoleRoutes } from './console/console.routes.ts';
import { devOutboxRoutes } from './mail/dev-outbox.routes.ts';
import { helpRequestRoutes } from './recovery/help-request.routes.ts';
import { mfaHelpRequestRoutes } from './mfa/mfa-help-request.routes.ts';
import { recoveryRoutes } from './recovery/recovery.routes.ts';
import { emailVerificationRoutes } from './verification/email-verification.routes.ts';
import { mfaSigninRoutes } from './mfa/mfa-signin.routes.ts';
import { mfaRoutes } from './mfa/mfa.routes.ts';
import { mfaRecoveryRoutes } from './mfa/mfa-recovery.routes.ts';
import { passwordPolicyRoutes } from './password-policy/password-policy.routes.ts';
import { queryApiRoutes } from './query-api/query-api.routes.ts';
import { authorizeRequestRoutes } from './authorize-request/authorize-request.routes.ts';
import { accessKeyRoutes } from './access-keys/access-key.routes.ts';
import { simulatorRoutes } from './policies/simulator.routes.ts';
import { policiesRoutes } from './policies/policies.routes.ts';
import { doctorRoutes } from './doctor/doctor.routes.ts';
import { supportRoutes } from './support/support.routes.ts';
import { activityRoutes } from './activity/activity.routes.ts';
import { credentialReportRoutes } from './credential-report/credential-report.routes.ts';
import type { Deps } from './deps.ts';
import { randomBase32 } from './shared/secrets.ts';
import { signinRoutes } from './signin/signin.routes.ts';
import { sessionApiRoutes } from './sessions/session-api.routes.ts';
import { metricsRoutes } from './metrics/metrics.routes.ts';
import { oidcRoutes } from './oidc/oidc.routes.ts';
import { oidcClientsRoutes } from './oidc/oidc-clients.routes.ts';
import { securityCheckRoutes } from './security-check/security-check.routes.ts';
import { unlockRoutes } from './throttle/unlock.routes.ts';
import { throttleConsoleRoutes } from './throttle/throttle-console.routes.ts';
import { usersRoutes } from './users/users.routes.ts';
import { userPermissionsRoutes } from './users/user-permissions.routes.ts';
import { groupsRoutes } from './groups/groups.routes.ts';
import { switchRoleRoutes } from './switch-role/switch-role.routes.ts';
import { rolesRoutes } from './roles/roles.routes.ts';
import { createRoleRoutes } from './roles/create-role.routes.ts';
import { installPageErrorHandler } from './web/error-pages.ts';
import { installRouteAccess } from './web/route-access.ts';
import { parseFormBody } from './web/forms.ts';
import { addSecurityHeaders } from './web/security-headers.ts';
import { WebContext } from './web/web-context.ts';

const STYLESHEET = readFileSync(new URL('./web/static/gatehouse.css', import.meta.url));
const COPY_BUTTONS = readFileSync(new URL('./web/static/copy-buttons.js', import.meta.url));

/**
 * The tab icon every browser asks for at `/favicon.ico`: a gate, drawn in SVG (browsers read
 * the type, not the name), so the request does not end in a 404 in every log.
 */
const FAVICON = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="6" fill="#17202b"/>' +
    '<path d="M7 27V12l9-6 9 6v15h-5V16h-8v11z" fill="#fff"/></svg>',
);

/**
 * Fastify's form of `TRUST_PROXY`. A hop count is a function of our own: Fastify treats a bare
 * number as "trust nothing", since it cannot know the nearest hop is a proxy; here the operator
 * has said so. `hop` 0 is the connection's peer, 1 the entry it appended, and so on.
 */
function trustProxyOption(trust: Config['trustProxy']): FastifyServerOptions['trustProxy'] {
  if (trust === false) return false;
  if (typeof trust === 'number') return (_address: string, hop: number) => hop < trust;
  return [...trust];
}

/**
 * Fastify's server options apart from logging: also what the benchmark's floor is built
 * with, so "× floor" compares like with like.
 */
export function serverOptions(config: Pick<Config, 'trustProxy'>) {
  return {
    genReqId: () => randomBase32(10),
    bodyLimit: 128 * 1024,
    // The right-most X-Forwarded-For address that is not one of these proxies is the client's.
    trustProxy: trustProxyOption(config.trustProxy),
    return503OnClosing: true,
    // A URL parameter may hold a whole URL-encoded policy ARN (`/console/policies/:arn`): the
    // longest customer managed one (path 512, name 128 characters) is under 2,048 encoded.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 2048 },
  } satisfies FastifyServerOptions;
}

/** Paths whose query string may carry a secret: logged without it. */
function loggableUrl(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : `${url.slice(0, q)}?…`;
}

/**
 * Builds the HTTP server without listening. Tests call `app.inject()` on it; `serve`
 * listens. Everything it needs comes in through `config` and `deps`.
 */
export async function buildApp(
  config: Config,
  deps: Deps,
  options: {
    logger?: boolean;
    /** Where log lines go instead of standard output (tests read them back). */
    logStream?: { write(line: string): void };
    /** Sees every route as it is added, with its options (tests walk the route table with it). */
    onRoute?: (route: RouteOptions) => void;
  } = {},
): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    logger:
      options.logger === false
        ? false
        : {
            level: config.logLevel,
            ...(options.logStream ? { stream: options.logStream } : {}),
            redact: {
              paths: ['req.headers.cookie', 'req.headers.authorization', 'res.headers["set-cookie"]'],
              censor: '[redacted]',
            },
            serializers: {
              req: (req) => ({ method: req.method, url: loggableUrl(req.url), remoteAddress: req.ip }),
            },
          },
    ...serverOptions(config),
  });

  // Hooks every request runs take a callback rather than return a promise: one less per request.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('X-Request-Id', request.id);
    done();
  });
  addSecurityHeaders(app, { https: config.publicUrl.protocol === 'https:' });
  await app.register(cookie);
  // Pages and the Query API take forms only: a JSON or text body gets 415 instead of
  // reaching a handler. A feature that needs JSON adds a parser inside its own plugin.
  app.removeContentTypeParser(['application/json', 'text/plain']);
  await app.register(formbody, { bodyLimit: 64 * 1024, parser: parseFormBody });
  const web = new WebContext(config, deps);
  installPageErrorHandler(app, web);

  app.get('/static/gatehouse.css', async (_request, reply) =>
    reply.header('Cache-Control', 'public, max-age=3600').type('text/css; charset=utf-8').send(STYLESHEET),
  );
  app.get('/static/copy-buttons.js', async (_request, reply) =>
    reply.header('Cache-Control', 'public, max-age=3600').type('text/javascript; charset=utf-8').send(COPY_BUTTONS),
  );
  app.get('/favicon.ico', async (_request, reply) =>
    reply.header('Cache-Control', 'public, max-age=86400').type('image/svg+xml').send(FAVICON),
  );
  app.get('/healthz', async (_request, reply) => reply.send({ status: 'ok' }));
  app.get('/', async (_request, reply) => reply.redirect('/signin', 303));

  // Before any route: every console route's declared access is enforced by this hook.
  installRouteAccess(app);
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  await app.register(signinRoutes, { web });
  await app.register(signupRoutes, { web });
  await app.register(consoleRoutes, { web });
  await app.register(sessionApiRoutes, { web });
  await app.register(usersRoutes, { web });
  await app.register(userPermissionsRoutes, { web });
  await app.register(groupsRoutes, { web });
  await app.register(createRoleRoutes, { web });
  await app.register(rolesRoutes, { web });
  await app.register(switchRoleRoutes, { web });
  await app.register(recoveryRoutes, { web });
  await app.register(emailVerificationRoutes, { web });
  await app.register(helpRequestRoutes, { web });
  if (config.environment === 'development') await app.register(devOutboxRoutes, { web });
  await app.register(mfaRoutes, { web });
  await app.register(mfaSigninRoutes, { web });
  await app.register(mfaRecoveryRoutes, { web });
  await app.register(mfaHelpRequestRoutes, { web });
  await app.register(passwordPolicyRoutes, { web });
  await app.register(accountAliasRoutes, { web });
  await app.register(accessKeyRoutes, { web });
  await app.register(simulatorRoutes, { web });
  await app.register(policiesRoutes, { web });
  await app.register(doctorRoutes, { web });
  await app.register(supportRoutes, { web });
  await app.register(activityRoutes, { web });
  await app.register(credentialReportRoutes, { web });
  await app.register(securityCheckRoutes, { web });
  await app.register(unlockRoutes, { web });
  await app.register(throttleConsoleRoutes, { web });
  await app.register(metricsRoutes, { web });
  await app.register(oidcRoutes, { web });
  await app.register(oidcClientsRoutes, { web });
  // The counter store may hold a connection of its own (Redis): it closes with the server.
  app.addHook('onClose', () => deps.guard.close());
  // Caches serve only while this process hears of changes made by others (src/caches/invalidation-feed.ts).
  app.addHook('onReady', async () => deps.invalidations.start());
  app.addHook('onClose', () => deps.invalidations.stop());
  await app.register(queryApiRoutes, { web });
  await app.register(authorizeRequestRoutes, { web });
  // Decision counts are written in batches while the server runs, and what is held as it closes.
  app.addHook('onReady', async () =>
    deps.decisionCounts.start((error) => app.log.error({ err: error }, 'writing decision counts failed')),
  );
  app.addHook('onClose', () => deps.decisionCounts.stop());
  return app;
}
