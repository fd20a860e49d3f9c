import { MAX_QUESTIONS, type QuestionRefused } from '@gatehouse/authorizer';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { authenticate } from '../signed-request/authenticate.ts';
import { type ApiError, SERVICE_FAILURE, toApiError } from '../web/api-errors.ts';
import { decodePairs } from '../sigv4/sigv4.ts';
import { GatehouseError } from '../shared/errors.ts';
import { sha256 } from '../shared/secrets.ts';
import { metaOf } from '../web/request-meta.ts';
import type { WebContext } from '../web/web-context.ts';
import { readAuthorizeInput } from './authorize-input.ts';
import { authorizeForwardedRequest } from './authorize-request.service.ts';

/** The largest question accepted: the forwarded headers and a resource policy of up to 20 KiB fit with room. */
const BODY_LIMIT = 64 * 1024;

/** The questions of a batch (`{"questions": [...]}`), or null for a lone question. */
function batchOf(body: unknown): unknown[] | null {
  if (typeof body !== 'object' || body === null || !('questions' in body)) return null;
  const { questions } = body;
  if (!Array.isArray(questions) || questions.length === 0 || questions.length > MAX_QUESTIONS)
    throw new GatehouseError('ValidationError', `questions: a list of 1 to ${MAX_QUESTIONS} questions.`, {
      field: 'questions',
    });
  return questions;
}

/**
 * Question `i` of a batch, refused: the error it alone would have been answered with, for it
 * alone. Anything that is not such an error fails the whole call.
 */
function refusedInBatch(error: unknown, i: number): QuestionRefused {
  const api = toApiError(error);
  if (!api) throw error;
  const message = api.code === 'ValidationError' ? `questions[${i}].${api.message}` : api.message;
  return { error: { code: api.code, message } };
}

/** The service name the calling service signs its own request to the authorization API for. */
export const AUTHORIZE_SIGNING_SERVICE = 'gatehouse';

/**
 * `POST /authorize`: the authorization API (README, "Protect your own service"). JSON in, JSON
 * out; the body is read raw, because the calling service's own SigV4 signature covers its exact
 * bytes. The answer about the forwarded request is always a 200; the calling service's own
 * failures (its signature, its permission, its JSON) are AWS-style JSON errors with their status.
 */
export async function authorizeRequestRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const { deps } = web;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_request, body, done) =>
    done(null, body),
  );

  const sendError = (request: FastifyRequest, reply: FastifyReply, error: unknown) => {
    let api: ApiError | null = toApiError(error);
    if (!api) {
      request.log.error({ err: error }, 'authorize request failed');
      api = SERVICE_FAILURE;
    }
    return reply
      .status(api.status)
      .header('x-amzn-RequestId', String(request.id))
      .header('x-amzn-ErrorType', api.code)
      .type('application/json')
      .send({ __type: api.code, message: api.message });
  };
  app.setErrorHandler((error, request, reply) => sendError(request, reply, error));

  app.post('/authorize', async (request, reply) => {
    const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
    const q = request.url.indexOf('?');
    const meta = metaOf(request);
    const facts = { sourceIp: meta.ip, secureTransport: request.protocol === 'https', requestId: meta.requestId };
    const service = await authenticate(
      deps,
      {
        method: request.method,
        path: q === -1 ? request.url : request.url.slice(0, q),
        queryPairs: q === -1 ? [] : decodePairs(request.url.slice(q + 1)),
        headers: request.headers,
        payloadHash: sha256(body).toString('hex'),
      },
      AUTHORIZE_SIGNING_SERVICE,
    );
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw new GatehouseError('ValidationError', 'The body is not JSON.');
    }
    // Async, so a malformed question rejects rather than throws: in a batch it is refused alone.
    const ask = async (question: unknown) =>
      authorizeForwardedRequest(deps, service, readAuthorizeInput(question), facts);
    const questions = batchOf(parsed);
    const answer = questions
      ? { answers: await Promise.all(questions.map((q, i) => ask(q).catch((error) => refusedInBatch(error, i)))) }
      : await ask(parsed);
    return reply.status(200).header('x-amzn-RequestId', String(request.id)).type('application/json').send(answer);
  });
}
