import { type Authorizer, gatehouseAuthorization } from '@gatehouse/authorizer';
import Fastify from 'fastify';

/** A Fastify service whose every request is signed with Gatehouse credentials and decided by Gatehouse policies. */
export function notesService(authorizer: Authorizer) {
  const app = Fastify();
  app.register(gatehouseAuthorization, {
    authorizer,
    format: 'json',
    intentOf: (request) => ({
      action: request.method === 'GET' ? 'notes:GetNote' : 'notes:PutNote',
      resource: `arn:aws:notes:::note${request.url.split('?')[0]}`,
    }),
  });
  app.get('/:owner/:id', async (request) => ({ note: request.params, readBy: request.gatehouse!.principal.arn }));
  return app;
}
