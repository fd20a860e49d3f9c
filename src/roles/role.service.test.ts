import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount } from '../../test/support/fixtures.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { findRoleById } from '../identities/role.repository.ts';
import { listAttachmentsOf } from '../policies/attachment.repository.ts';
import { attachPolicy } from '../policies/attachment.service.ts';
import { listInlinePolicies } from '../policies/inline-policy.repository.ts';
import { putInlinePolicy } from '../policies/inline-policy.service.ts';
import { GatehouseError } from '../shared/errors.ts';
import { findSessionCredential, insertSessionCredential } from '../sts/session-credential.repository.ts';
import { createRole, deleteRole } from './role.service.ts';

const ACTOR = [CLI_ACTOR, SYSTEM_META] as const;
const allowAll = JSON.stringify({
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }],
});

/** What the console relies on beside the Query API: deleting a role with what it holds, and its sessions ending. */
describe.each(DIALECTS)('role service on %s', (dialect) => {
  let t: TestContext;
  let accountId: string;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    accountId = (await makeAccount(t.deps)).id;
  });
  afterAll(() => t.close());

  const trust = () =>
    JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: accountId }, Action: 'sts:AssumeRole' }],
    });

  it('deletes a role with its policies when not asked to refuse, and ends its sessions’ credentials', async () => {
    const role = await createRole(t.deps, accountId, { name: 'Console', trustPolicy: trust() }, ...ACTOR);
    await putInlinePolicy(t.deps, accountId, 'role', 'Console', 'all', allowAll, ...ACTOR);
    await attachPolicy(t.deps, accountId, 'role', 'Console', 'arn:aws:iam::aws:policy/IAMReadOnlyAccess', ...ACTOR);
    const now = t.clock.now();
    await insertSessionCredential(t.deps.db, {
      id: 'ASIAROLESESSIONTEST1',
      accountId,
      principalId: role.id,
      sourceKeyId: 'AKIASOURCEKEYTEST001',
      secretSealed: 'sealed',
      tokenHash: 'hash',
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + 3600_000).toISOString(),
    });

    const refused = await deleteRole(t.deps, accountId, 'Console', ...ACTOR, { refuseWhileDependents: true }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(GatehouseError);
    expect((refused as GatehouseError).code).toBe('DeleteConflict');
    expect(await findSessionCredential(t.deps.db, 'ASIAROLESESSIONTEST1')).not.toBeNull();

    await deleteRole(t.deps, accountId, 'console', ...ACTOR);
    expect(await findRoleById(t.deps.db, role.id)).toBeNull();
    expect(await listInlinePolicies(t.deps.db, 'role', [role.id])).toEqual([]);
    expect(await listAttachmentsOf(t.deps.db, 'role', [role.id])).toEqual([]);
    expect(await findSessionCredential(t.deps.db, 'ASIAROLESESSIONTEST1')).toBeNull();
  });

  it('checks what the console sends as the Query API does', async () => {
    const attempt = (input: Parameters<typeof createRole>[2]) =>
      createRole(t.deps, accountId, input, ...ACTOR).then(
        () => 'created',
        (e: GatehouseError) => `${e.code}: ${e.message} (${e.field})`,
      );
    expect(await attempt({ name: 'bad name', trustPolicy: trust() })).toBe(
      "ValidationError: 1 validation error detected: Value at 'roleName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\w+=,.@-]+ (roleName)",
    );
    expect(await attempt({ name: 'Short', trustPolicy: trust(), maxSessionDuration: 900 })).toBe(
      "ValidationError: 1 validation error detected: Value at 'maxSessionDuration' failed to satisfy constraint: Member must have value greater than or equal to 3600 (maxSessionDuration)",
    );
    expect(await attempt({ name: 'NoPrincipal', trustPolicy: allowAll })).toMatch(
      /^MalformedPolicyDocument: .* \(assumeRolePolicyDocument\)$/,
    );
    expect(
      await attempt({
        name: 'Tags',
        trustPolicy: trust(),
        tags: [
          { key: 'a', value: '1' },
          { key: 'A', value: '2' },
        ],
      }),
    ).toBe('InvalidInput: Duplicate tag keys found. Please note that Tag keys are case insensitive. (undefined)');
    expect(await attempt({ name: 'Fine', trustPolicy: trust(), description: '' })).toBe('created');
  });
});
