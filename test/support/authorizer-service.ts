import { Authorizer, type ReceivedRequest } from '@gatehouse/authorizer';
import { EMPTY_SHA256 } from '@gatehouse/authorizer/sigv4';
import { SignatureV4 } from '@smithy/signature-v4';
import { type AwsCredentials, keyFor } from './aws-clients.ts';
import { setUserPolicy } from './console.ts';
import { makeUser } from './fixtures.ts';
import type { TestContext } from './harness.ts';
import { NodeSha256 } from './node-sha256.ts';

/**
 * A service of the account, as the package's README sets one up: a user allowed
 * `gatehouse:AuthorizeRequest` on the account, and an Authorizer signing with its key on the
 * test's clock.
 */
export async function serviceAuthorizer(t: TestContext, gatehouse: string, accountId: string): Promise<Authorizer> {
  const service = await makeUser(t.deps, accountId, 'notes-service');
  await setUserPolicy(t, accountId, 'notes-service', 'authorize', [
    { Effect: 'Allow', Action: 'gatehouse:AuthorizeRequest', Resource: `arn:aws:gatehouse::${accountId}:account` },
  ]);
  return new Authorizer({
    gatehouse,
    credentials: await keyFor(t, { accountId, principalId: service.id, userName: 'notes-service' }),
    now: () => t.clock.now().getTime(),
  });
}

/** A user of the account with one inline policy, and its access key. */
export async function userWithKey(
  t: TestContext,
  accountId: string,
  name: string,
  statements: object[],
): Promise<AwsCredentials> {
  const user = await makeUser(t.deps, accountId, name);
  await setUserPolicy(t, accountId, name, 'mine', statements);
  return keyFor(t, { accountId, principalId: user.id, userName: name });
}

/** The host the end clients' requests to the notes service are signed for. */
export const NOTES_HOST = 'notes.example.test';

/**
 * A GET of `path` as an AWS SDK signs it (now, on the test's clock) for the service `notes` in
 * `region`, as the service receives it.
 */
export async function receivedGet(
  t: TestContext,
  credentials: AwsCredentials,
  path: string,
  region = 'eu-west-1',
): Promise<ReceivedRequest> {
  const signer = new SignatureV4({ credentials, region, service: 'notes', sha256: NodeSha256 });
  const request = await signer.sign(
    { method: 'GET', protocol: 'https:', hostname: NOTES_HOST, path, headers: { host: NOTES_HOST } },
    { signingDate: t.clock.now() },
  );
  return {
    method: 'GET',
    path,
    query: '',
    headers: Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k.toLowerCase(), v])),
    payloadHash: EMPTY_SHA256,
  };
}
