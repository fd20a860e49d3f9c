import type { FastifyRequest } from 'fastify';
import type { RequestMeta } from '../audit/audit.service.ts';

export function metaOf(request: FastifyRequest): RequestMeta {
  const userAgent = request.headers['user-agent'];
  return {
    ip: request.ip,
    userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : '',
    requestId: String(request.id),
  };
}
