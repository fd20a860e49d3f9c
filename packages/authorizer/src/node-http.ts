import type { IncomingMessage, ServerResponse } from 'node:http';
import type { TLSSocket } from 'node:tls';
import type { Authorizer, Intent, ReceivedRequest, Verdict } from './authorizer.ts';
import { errorJson, errorXml } from './error-responses.ts';

/** A `node:http` request as the authorizer reads it: raw path and query, headers, the client's address, TLS or not. */
export function receivedRequest(req: IncomingMessage): ReceivedRequest {
  const url = req.url ?? '/';
  const mark = url.indexOf('?');
  return {
    method: req.method ?? 'GET',
    path: mark < 0 ? url : url.slice(0, mark),
    query: mark < 0 ? '' : url.slice(mark + 1),
    headers: req.headers,
    ...(req.socket.remoteAddress ? { sourceIp: req.socket.remoteAddress } : {}),
    secure: Boolean((req.socket as TLSSocket).encrypted),
  };
}

/** Answers a refused request with the AWS error, as XML (S3's shape) or JSON. */
export function sendRefusal(
  res: ServerResponse,
  verdict: Extract<Verdict, { allowed: false }>,
  options: { format?: 'xml' | 'json'; resource?: string; requestId?: string; head?: boolean } = {},
): void {
  const requestId = options.requestId ?? '';
  const body = {
    code: verdict.code,
    message: verdict.message,
    requestId,
    ...(options.resource ? { resource: options.resource } : {}),
  };
  const json = options.format === 'json';
  res.writeHead(verdict.status, { 'content-type': json ? 'application/json' : 'application/xml' });
  res.end(options.head ? undefined : json ? errorJson(body) : errorXml(body));
}

/**
 * Guards a `node:http` handler: `intentOf` says what each request means (null: not guarded);
 * a refused request is answered with its AWS error, an allowed one reaches `handler` with the
 * verdict (its principal, and the chunk signer of a signed upload).
 */
export function guardNodeHandler(
  authorizer: Authorizer,
  intentOf: (req: IncomingMessage) => Intent | null,
  handler: (req: IncomingMessage, res: ServerResponse, verdict: Extract<Verdict, { allowed: true }> | null) => unknown,
  options: { format?: 'xml' | 'json' } = {},
) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const intent = intentOf(req);
    if (!intent) {
      await handler(req, res, null);
      return;
    }
    const verdict = await authorizer.verifyAndAuthorize(receivedRequest(req), intent);
    if (!verdict.allowed) {
      req.resume();
      sendRefusal(res, verdict, { ...options, head: req.method === 'HEAD' });
      return;
    }
    await handler(req, res, verdict);
  };
}
