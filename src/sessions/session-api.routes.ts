import type { FastifyInstance } from 'fastify';
import type { WebContext } from '../web/web-context.ts';
import { describeSession } from './session.service.ts';

const text = { type: 'string' } as const;
const nullableText = { type: ['string', 'null'] } as const;
const error = {
  type: 'object',
  properties: {
    error: {
      type: 'object',
      properties: { code: text, message: text, requestId: text },
      required: ['code', 'message'],
    },
  },
  required: ['error'],
} as const;

/** The answers' shapes (`SessionSummary`): Fastify compiles a serializer from them, and nothing else is ever sent. */
const RESPONSES = {
  200: {
    type: 'object',
    properties: {
      principal: {
        type: 'object',
        properties: { type: text, arn: text, accountId: text, userId: text, userName: text },
        required: ['type', 'arn', 'accountId'],
      },
      mfa: {
        type: 'object',
        properties: { present: { type: 'boolean' }, authenticatedAt: nullableText },
        required: ['present', 'authenticatedAt'],
      },
      expiresAt: text,
      idleExpiresAt: text,
      restriction: nullableText,
    },
    required: ['principal', 'mfa', 'expiresAt', 'idleExpiresAt', 'restriction'],
  },
  '4xx': error,
  500: error,
} as const;

/**
 * `GET /console/api/session`: who the session cookie belongs to, as JSON, for applications
 * (and single sign-on) asking "who is this session?" (README, Sessions). A plain Fastify
 * route, not a declared console route: declared access answers a missing session with a
 * redirect to the sign-in page, and this endpoint answers with a 401 JSON body instead. It
 * reads the session only (from the session cache when it can), never policies, and records
 * activity as any page does. Its errors are JSON too, in this plugin only.
 */
export async function sessionApiRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  app.setErrorHandler((error: { statusCode?: number }, request, reply) => {
    if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
      return reply
        .status(error.statusCode)
        .send({ error: { code: 'InvalidInput', message: 'The request could not be understood.' } });
    }
    request.log.error({ err: error }, 'request failed');
    return reply
      .status(500)
      .send({ error: { code: 'InternalError', message: 'The session could not be read.', requestId: request.id } });
  });

  app.get('/console/api/session', { schema: { response: RESPONSES } }, async (request, reply) => {
    const summary = await describeSession(web.deps, request.cookies[web.sessionCookie]);
    if (!summary) {
      return reply.status(401).send({ error: { code: 'NotSignedIn', message: 'There is no valid session.' } });
    }
    return reply.send(summary);
  });
}
