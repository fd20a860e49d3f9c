import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import { expect } from 'vitest';
import type { TestContext } from './harness.ts';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * Real AWS SDK clients pointed at a listening test server. The SDK signs with the wall
 * clock; `systemClockOffset` makes it sign at the test's frozen time instead. One attempt
 * only, so a refused request is seen as it was answered.
 */
export function awsClients(t: TestContext, endpoint: string, credentials: AwsCredentials) {
  const systemClockOffset = t.clock.now().getTime() - Date.now();
  const common = { endpoint, region: 'us-east-1', credentials, maxAttempts: 1, systemClockOffset };
  return { iam: new IAMClient(common), sts: new STSClient(common) };
}

/** Kept here too, where the API tests look for it beside `awsClients`. */
export { keyFor } from './fixtures.ts';

/** Awaits an SDK call that must fail, and checks the AWS error code, HTTP status and (optionally) message. */
export async function expectAwsError(
  call: Promise<unknown>,
  code: string,
  status: number,
  message?: string | RegExp,
): Promise<Error> {
  const error = await call.then(
    () => {
      throw new Error(`expected ${code}, but the call succeeded`);
    },
    (e: unknown) => e as Error & { name: string; Code?: string; $metadata?: { httpStatusCode?: number } },
  );
  const e = error as Error & { Code?: string; $metadata?: { httpStatusCode?: number } };
  expect({ code: e.Code ?? e.name, status: e.$metadata?.httpStatusCode }).toEqual({ code, status });
  if (message !== undefined) {
    if (typeof message === 'string') expect(e.message).toBe(message);
    else expect(e.message).toMatch(message);
  }
  return error;
}
