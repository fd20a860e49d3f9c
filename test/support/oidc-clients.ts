import { CLI_ACTOR, SYSTEM_META } from '../../src/audit/audit.service.ts';
import { type NewClient, createClient } from '../../src/oidc/oidc-client.service.ts';
import type { TestContext } from './harness.ts';

/** An OpenID Connect client of the account, registered as the CLI registers one (confidential unless told). */
export function registerTestClient(
  t: TestContext,
  accountId: string,
  name: string,
  options: Partial<NewClient> = {},
): ReturnType<typeof createClient> {
  return createClient(
    t.deps,
    accountId,
    { name, redirectUris: ['https://app.example/cb'], ...options },
    CLI_ACTOR,
    SYSTEM_META,
  );
}
