import type { FastifyInstance } from 'fastify';

/** Starts `app` on 127.0.0.1 at a free port and returns its base URL (for real HTTP clients such as the AWS SDK). */
export async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('the server has no TCP address');
  return `http://127.0.0.1:${address.port}`;
}
