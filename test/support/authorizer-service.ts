import { Authorizer } from '@gatehouse/authorizer';
import { type AwsCredentials, keyFor } from './aws-clients.ts';
import { setUserPolicy } from './console.ts';
import { makeUser } from './fixtures.ts';
import type { TestContext } from './harness.ts';

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
