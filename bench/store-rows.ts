import { AUTHORIZE_REQUEST_STATEMENT } from './authorize-row.ts';
import { BENCH_PASSWORD, type BenchTarget, type Scenario, defineScenario } from './scenario.ts';
import { type SigningCredentials, signRequest } from './sigv4-signer.ts';
import { OBJECT_CONTENT, STORE_BUCKET, STORE_KEY, serveStore } from './store-serving.ts';

/** S3 clients sign the path as sent, and may leave the body unsigned; a GET has none anyway. */
const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
const OBJECT_PATH = `/${STORE_BUCKET}/${STORE_KEY}`;

/** One end client per connection, allowed s3:GetObject on the bench object; its key repeats, so the store's caches hit once warm. */
async function storeReaders(target: BenchTarget, prefix: string, connections: number): Promise<SigningCredentials[]> {
  const users = await target.createUsers(prefix, connections, BENCH_PASSWORD);
  for (const userName of users) {
    await target.putUserPolicy(userName, [
      { Effect: 'Allow', Action: 's3:GetObject', Resource: `arn:aws:s3:::${STORE_BUCKET}/*` },
    ]);
  }
  return Promise.all(users.map((userName) => target.createAccessKey(userName)));
}

/** The store guarded by an Authorizer with a service key of its own that may ask Gatehouse. */
async function guardedStore(target: BenchTarget) {
  const [serviceUser] = await target.createUsers('store-service', 1, BENCH_PASSWORD);
  await target.putUserPolicy(serviceUser!, [AUTHORIZE_REQUEST_STATEMENT]);
  return serveStore(target.baseUrl, await target.createAccessKey(serviceUser!));
}

/**
 * GetObject of the 1 KiB bench object from the example store (its own process), signed by an end
 * client for each request as the S3 clients sign it; the store's process is the one watched.
 */
function storeGetRow(guarded: boolean): Scenario<unknown> {
  const name = guarded ? 'store-get-guarded' : 'store-get-open';
  return defineScenario<SigningCredentials>({
    name,
    label: guarded
      ? 'Example S3 store, GetObject 1 KiB, guarded by the Authorizer'
      : 'Example S3 store, GetObject 1 KiB, no authorization',
    expect: '200 with the 1 KiB object (server CPU: the store process)',
    serve: (target) => (guarded ? guardedStore(target) : serveStore(target.baseUrl, null)),
    prepare: (target, connections) => storeReaders(target, name, connections),
    request: async (connection, credentials) => {
      const response = await connection.send(
        signRequest(new URL(connection.baseUrl).host, credentials, 's3', {
          method: 'GET',
          path: OBJECT_PATH,
          headers: { 'x-amz-content-sha256': UNSIGNED_PAYLOAD },
          payloadHash: UNSIGNED_PAYLOAD,
        }),
      );
      return response.status === 200 && response.body === OBJECT_CONTENT;
    },
  });
}

/** The store rows, guarded then open, in one run: the difference in store CPU per request is the middleware's cost. */
export const STORE_SCENARIOS = [storeGetRow(true), storeGetRow(false)];
