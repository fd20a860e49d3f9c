import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { metaOf } from '../web/request-meta.ts';
import type { WebContext } from '../web/web-context.ts';
import { type ApiError, SERVICE_FAILURE, toApiError } from '../web/api-errors.ts';
import { handleQuery } from './pipeline.ts';
import { type Service, errorResponse } from './xml.ts';

/** The largest Query API request body accepted. */
const BODY_LIMIT = 64 * 1024;

/**
 * `POST /`: the AWS-compatible IAM and STS Query API. An encapsulated plugin: it reads
 * the body raw (the signature covers its exact bytes), whatever its content type, and
 * answers every error as AWS XML, never as an HTML page. No CSRF: every request is signed.
 */
export async function queryApiRoutes(app: FastifyInstance, { web }: { web: WebContext }): Promise<void> {
  const { deps } = web;
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_request, body, done) =>
    done(null, body),
  );

  const sendError = (request: FastifyRequest, reply: FastifyReply, service: Service, error: unknown) => {
    let api: ApiError | null = toApiError(error);
    if (!api) {
      request.log.error({ err: error }, 'query api request failed');
      api = SERVICE_FAILURE;
    }
    return reply
      .status(api.status)
      .header('x-amzn-RequestId', String(request.id))
      .type('text/xml')
      .send(errorResponse(service, api.type, api.code, api.message, String(request.id)));
  };

  app.setErrorHandler((error, request, reply) => sendError(request, reply, 'iam', error));

  app.post('/', async (request, reply) => {
    let service: Service = 'iam';
    try {
      const xml = await handleQuery(
        deps,
        {
          method: request.method,
          url: request.url,
          headers: request.headers,
          body: Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0),
          meta: metaOf(request),
          secure: request.protocol === 'https',
        },
        (s) => (service = s),
      );
      return reply.status(200).header('x-amzn-RequestId', String(request.id)).type('text/xml').send(xml);
    } catch (error) {
      return sendError(request, reply, service, error);
    }
  });
}
