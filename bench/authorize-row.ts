import type { AuthorizeAnswer, AuthorizeBatchAnswer, AuthorizeQuestion } from '@gatehouse/authorizer';
import { EMPTY_SHA256, MAX_SKEW_MS } from '@gatehouse/authorizer/sigv4';
import { BENCH_PASSWORD, type BenchTarget, type RunLength, type Scenario, defineScenario } from './scenario.ts';
import type { Connection } from './http-client.ts';
import { type SigningCredentials, payloadHash, signRequest } from './sigv4-signer.ts';

/** End clients whose requests the service forwards; each connection forwards every one of them in turn. */
const END_CLIENTS = 16;
/** The service the end clients' requests are for, and the host they were sent to. */
const FORWARDED_SERVICE = 'bench';
const FORWARDED_HOST = 'items.bench.example';
const ACTION = 'bench:GetItem';

/** What the service must hold to ask, and what each end client may do. */
export const AUTHORIZE_REQUEST_STATEMENT = {
  Effect: 'Allow',
  Action: 'gatehouse:AuthorizeRequest',
  Resource: 'arn:aws:gatehouse::*:account',
};
const END_CLIENT_STATEMENT = { Effect: 'Allow', Action: ACTION, Resource: 'arn:aws:bench:::item/*' };

export interface AuthorizeState {
  /** The service's key, which signs each POST /authorize. */
  service: SigningCredentials;
  /** The questions, JSON, each with its SHA-256: the forwarded requests were signed once, in `prepare`. */
  questions: Array<{ body: string; hash: string }>;
  /** All of them in one batch (`{"questions": [...]}`), with its SHA-256. */
  batch: { body: string; hash: string };
  next: number;
}

/**
 * A service user allowed gatehouse:AuthorizeRequest and `END_CLIENTS` end-client users allowed (named after the `row`)
 * the action; every end client signs one GET, dated so that it stays within the 15 minutes of
 * skew Gatehouse allows for the whole run (the API does not refuse a request it judged before).
 */
async function authorizeStates(
  row: string,
  target: BenchTarget,
  connections: number,
  run: RunLength,
): Promise<AuthorizeState[]> {
  if (run.seconds * 1000 > 2 * MAX_SKEW_MS - 60_000)
    throw new Error(`the authorize row signs its forwarded requests once: a row of ${run.seconds} s is too long`);
  const [serviceUser] = await target.createUsers(`${row}-service`, 1, BENCH_PASSWORD);
  await target.putUserPolicy(serviceUser!, [AUTHORIZE_REQUEST_STATEMENT]);
  const service = await target.createAccessKey(serviceUser!);
  const clients = await target.createUsers(`${row}-client`, END_CLIENTS, BENCH_PASSWORD);
  // Dated halfway through the run: the skew allowed either side covers it from warm-up to end.
  const signedAt = new Date(Date.now() + (run.seconds * 1000) / 2);
  const questions: AuthorizeState['questions'] = [];
  for (const [i, userName] of clients.entries()) {
    await target.putUserPolicy(userName, [END_CLIENT_STATEMENT]);
    const client = await target.createAccessKey(userName);
    const path = `/items/${i}`;
    const signed = signRequest(
      FORWARDED_HOST,
      client,
      FORWARDED_SERVICE,
      { method: 'GET', path, headers: { 'x-amz-content-sha256': EMPTY_SHA256 }, payloadHash: EMPTY_SHA256 },
      signedAt,
    );
    const question: AuthorizeQuestion = {
      request: { method: 'GET', path, query: '', headers: { ...signed.headers, host: FORWARDED_HOST } },
      action: ACTION,
      resource: `arn:aws:bench:::item/${i}`,
    };
    const body = JSON.stringify(question);
    questions.push({ body, hash: payloadHash(body) });
  }
  const batchBody = `{"questions":[${questions.map((q) => q.body).join(',')}]}`;
  const batch = { body: batchBody, hash: payloadHash(batchBody) };
  // Connections start at different questions, so at any moment different clients are asked about.
  return Array.from({ length: connections }, (_, i) => ({ service, questions, batch, next: i }));
}

/** Questions in each call of the `authorize-batch` row: the end clients', one each. */
export const AUTHORIZE_BATCH = END_CLIENTS;

/** `authorize`: POST /authorize, signed by the service, judging an end client's forwarded GET. */
export const AUTHORIZE_SCENARIO: Scenario<unknown> = defineScenario<AuthorizeState>({
  name: 'authorize',
  label: "Authorization API, POST /authorize (a service forwards an end client's signed GET)",
  expect: '200 JSON, decision Allow (decisions/s)',
  prepare: (target, connections, run) => authorizeStates('authorize', target, connections, run),
  request: async (connection, state) => {
    const question = state.questions[state.next++ % state.questions.length]!;
    const response = await ask(connection, state.service, question);
    return response.status === 200 && (JSON.parse(response.body) as AuthorizeAnswer).decision === 'Allow';
  },
});

/** `authorize-batch`: the same questions, all the end clients' in each call. */
export const AUTHORIZE_BATCH_SCENARIO: Scenario<unknown> = defineScenario<AuthorizeState>({
  name: 'authorize-batch',
  label: `Authorization API, POST /authorize with ${AUTHORIZE_BATCH} questions a call`,
  expect: `200 JSON, ${AUTHORIZE_BATCH} answers, each Allow (decisions/s)`,
  answersPerResponse: AUTHORIZE_BATCH,
  prepare: (target, connections, run) => authorizeStates('authorize-batch', target, connections, run),
  request: async (connection, state) => {
    const response = await ask(connection, state.service, state.batch);
    if (response.status !== 200) return false;
    const { answers } = JSON.parse(response.body) as AuthorizeBatchAnswer;
    return answers.length === AUTHORIZE_BATCH && answers.every((a) => 'decision' in a && a.decision === 'Allow');
  },
});

/** POST /authorize with `body`, signed by the service. */
function ask(connection: Connection, service: SigningCredentials, body: { body: string; hash: string }) {
  return connection.send(
    signRequest(new URL(connection.baseUrl).host, service, 'gatehouse', {
      method: 'POST',
      path: '/authorize',
      headers: { 'content-type': 'application/json', 'x-amz-content-sha256': body.hash },
      payloadHash: body.hash,
      body: body.body,
    }),
  );
}
