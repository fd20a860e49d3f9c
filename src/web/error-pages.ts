import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { GatehouseError } from '../shared/errors.ts';
import { html } from '../shared/html.ts';
import { type PageOptions, page } from './layout.ts';
import type { WebContext } from './web-context.ts';

/** Messages for Fastify's own refusals (body too large, wrong content type, bad JSON…). */
function frameworkMessage(error: FastifyError): { status: number; message: string } | null {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { status: 413, message: 'The request is too large.' };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return { status: 415, message: 'The request must be sent as a form (application/x-www-form-urlencoded).' };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { status: 400, message: 'The request body is not valid.' };
    default:
      if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
        return { status: error.statusCode, message: 'The request could not be understood.' };
      }
      return null;
  }
}

/** `signedIn`: the console header (navigation, sign-out) of a signed-in principal. */
export function errorPage(
  _status: number,
  title: string,
  message: string,
  requestId?: string,
  signedIn?: Pick<PageOptions, 'principal' | 'csrf'>,
): string {
  return page({
    title,
    ...signedIn,
    body: html`<section class="card narrow">
  <h1>${title}</h1>
  <p>${message}</p>
  ${requestId ? html`<p class="muted">Request ID: <code>${requestId}</code></p>` : ''}
  <p class="links">${signedIn?.principal ? html`<a href="/console">Back to the console</a>` : html`<a href="/signin">Go to sign-in</a>`}</p>
</section>`,
  });
}

/**
 * The last stop for errors on pages: expected errors show their safe message, anything
 * else is a 500 whose page shows only the request ID (the details go to the log). A
 * refusal inside the console keeps the console's header, so the person can go on.
 */
export function installPageErrorHandler(app: FastifyInstance, web: WebContext): void {
  const consoleHeader = (request: FastifyRequest, reply: FastifyReply) => {
    const who = web.signedInDuring(request);
    return who ? { principal: who.principal, csrf: web.csrfToken(request, reply) } : undefined;
  };
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof GatehouseError && error.safe) {
      const title =
        error.status === 403
          ? 'Request refused'
          : error.status === 503
            ? 'Busy'
            : 'Something was wrong with the request';
      if (error.code === 'Overloaded') reply.header('Retry-After', '1');
      return reply
        .status(error.status)
        .type('text/html; charset=utf-8')
        .send(errorPage(error.status, title, error.message, undefined, consoleHeader(request, reply)));
    }
    const known = frameworkMessage(error);
    if (known) {
      return reply
        .status(known.status)
        .type('text/html; charset=utf-8')
        .send(errorPage(known.status, 'Request refused', known.message));
    }
    request.log.error({ err: error }, 'request failed');
    return reply
      .status(500)
      .type('text/html; charset=utf-8')
      .send(
        errorPage(
          500,
          'Something went wrong',
          'Gatehouse could not complete this request. Nothing was changed by the part that failed.',
          String(request.id),
        ),
      );
  });
  app.setNotFoundHandler((_request, reply) => {
    reply
      .status(404)
      .type('text/html; charset=utf-8')
      .send(errorPage(404, 'Page not found', 'There is no page at this address.'));
  });
}
