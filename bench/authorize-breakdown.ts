/**
 * Where a POST /authorize spends its time, piece by piece, in one process and without sockets:
 * `npx tsx bench/authorize-breakdown.ts [--iterations 20000] [--rounds 20] [--only 3,4]`. The question is the
 * `authorize` row's (a service's own key signs it; an end client's signed GET inside). Columns as
 * in `session-breakdown.ts`: the median round's CPU µs per call, and wall µs.
 */
import { parseArgs } from 'node:util';
import { Authorizer, type ReceivedRequest } from '@gatehouse/authorizer';
import { findAccessKeyWithPrincipal } from '../src/access-keys/access-key.repository.ts';
import { readAuthorizeInput } from '../src/authorize-request/authorize-input.ts';
import { authorizeForwardedRequest } from '../src/authorize-request/authorize-request.service.ts';
import { sha256 } from '../src/shared/secrets.ts';
import { authenticate } from '../src/signed-request/authenticate.ts';
import { AUTHORIZE_SCENARIO, type AuthorizeState } from './authorize-row.ts';
import { type Piece, printBreakdown } from './breakdown.ts';
import { startServer } from './server.ts';
import { signRequest } from './sigv4-signer.ts';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      iterations: { type: 'string', default: '20000' },
      rounds: { type: 'string', default: '20' },
      only: { type: 'string' },
    },
  });
  const server = await startServer();
  try {
    const { target, runtime, app } = server;
    const { deps } = runtime;
    const [state] = (await AUTHORIZE_SCENARIO.prepare(target, 1, { seconds: 60 })) as AuthorizeState[];
    const question = state!.questions[0]!;
    const host = new URL(target.baseUrl).host;
    const signed = signRequest(host, state!.service, 'gatehouse', {
      method: 'POST',
      path: '/authorize',
      headers: { 'content-type': 'application/json', 'x-amz-content-sha256': question.hash },
      payloadHash: question.hash,
      body: question.body,
    });
    const incoming = {
      method: 'POST',
      path: '/authorize',
      queryPairs: [],
      // The signer leaves the host to the HTTP client; a request as the server receives it has one.
      headers: { ...signed.headers, host },
      payloadHash: question.hash,
    };
    const service = await authenticate(deps, incoming, 'gatehouse');
    const input = readAuthorizeInput(JSON.parse(question.body));
    const facts = { sourceIp: '127.0.0.1', secureTransport: false, requestId: 'breakdown' };
    const clientKeyId = /Credential=(\w+)\//.exec(String(input.request.headers.authorization))![1]!;
    const answer = await authorizeForwardedRequest(deps, service, input, facts);
    if (answer.decision !== 'Allow') throw new Error(`the question was not allowed: ${answer.reason}`);
    // The package as a service runs it: the first verdict asks Gatehouse, the rest are cache hits.
    const authorizer = new Authorizer({
      gatehouse: target.baseUrl,
      credentials: state!.service,
      cacheTtlMs: 3_600_000,
    });
    const received: ReceivedRequest = { ...input.request, sourceIp: '203.0.113.9' };
    const intent = { action: input.action, resource: input.resource };
    if (!(await authorizer.verifyAndAuthorize(received, intent)).allowed) throw new Error('the package was refused');

    const pieces: Piece[] = [
      {
        name: 'app.inject POST /authorize (whole request, no socket)',
        run: () => app.inject({ method: 'POST', url: '/authorize', headers: incoming.headers, payload: signed.body }),
      },
      { name: 'app.inject GET /healthz (framework + global hooks)', run: () => app.inject('/healthz') },
      { name: "authenticate: the service's own SigV4 request", run: () => authenticate(deps, incoming, 'gatehouse') },
      {
        name: 'authorizeForwardedRequest (verify the end client, admit, decide, count)',
        run: () => authorizeForwardedRequest(deps, service, input, facts),
      },
      {
        name: 'findAccessKeyWithPrincipal (one joined SELECT)',
        run: () => findAccessKeyWithPrincipal(deps.db, clientKeyId),
      },
      { name: 'JSON.parse + readAuthorizeInput', run: () => readAuthorizeInput(JSON.parse(question.body)) },
      { name: 'SHA-256 of the body', run: () => sha256(Buffer.from(question.body)) },
      {
        name: "the package's Authorizer.verifyAndAuthorize, a cache hit (a guarded service's own cost)",
        run: () => authorizer.verifyAndAuthorize(received, intent),
      },
    ];
    // `--only 3,4`: those pieces alone (1-based), e.g. under `node --cpu-prof`.
    const chosen = values.only ? values.only.split(',').map((n) => pieces[Number(n) - 1]!) : pieces;
    await printBreakdown(chosen, Number(values.iterations), Number(values.rounds));
  } finally {
    await server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
