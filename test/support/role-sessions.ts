import { CLI_ACTOR, SYSTEM_META } from '../../src/audit/audit.service.ts';
import { findUserByName } from '../../src/identities/user.repository.ts';
import { type RoleRecord, findRoleByName, insertRole, roleArn } from '../../src/identities/role.repository.ts';
import { putInlinePolicy } from '../../src/policies/inline-policy.service.ts';
import { newRoleId } from '../../src/policies/unique-ids.ts';
import { parsePolicyDocument } from '../../src/policy-engine/document.ts';
import { namedAwsPrincipals } from '../../src/policy-engine/trust-document.ts';
import { readAwsPrincipal } from '../../src/policy-engine/trust-principals.ts';
import type { TestContext } from './harness.ts';

/** A trust policy of these statements (each gets `Action: sts:AssumeRole` unless it names its own). */
export function trustPolicy(...statements: object[]): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: statements.map((s) => ({ Effect: 'Allow', Action: 'sts:AssumeRole', ...s })),
  });
}

/**
 * A role made straight in the database, its trust policy's named users and roles pinned to
 * their unique IDs as CreateRole pins them. `policy`: statements of one inline policy.
 */
export async function makeRole(
  t: TestContext,
  accountId: string,
  name: string,
  trust: string,
  options: { maxSessionDuration?: number; path?: string; policy?: object[] } = {},
): Promise<RoleRecord & { arn: string }> {
  const pinned: Record<string, string> = {};
  for (const arn of namedAwsPrincipals(parsePolicyDocument(trust))) {
    const ref = readAwsPrincipal(arn);
    if (ref.kind === 'user') {
      const user = await findUserByName(t.deps.db, ref.accountId, ref.name);
      if (user) pinned[arn] = user.id;
    } else if (ref.kind === 'role' || ref.kind === 'session') {
      const role = await findRoleByName(t.deps.db, ref.accountId, ref.kind === 'session' ? ref.roleName : ref.name);
      if (role) pinned[arn] = role.id;
    }
  }
  const role: RoleRecord = {
    id: newRoleId(),
    accountId,
    name,
    path: options.path ?? '/',
    description: null,
    trustPolicy: trust,
    trustPrincipalIds: pinned,
    maxSessionDuration: options.maxSessionDuration ?? 3600,
    permissionsBoundary: null,
    createdAt: t.clock.now().toISOString(),
    lastUsedAt: null,
    lastUsedRegion: null,
  };
  await insertRole(t.deps.db, role);
  if (options.policy) await setRolePolicy(t, accountId, name, 'permissions', options.policy);
  return { ...role, arn: roleArn(accountId, role.path, name) };
}

/** Replaces one inline policy of a role with these statements. */
export async function setRolePolicy(
  t: TestContext,
  accountId: string,
  roleName: string,
  policyName: string,
  statements: object[],
): Promise<void> {
  await putInlinePolicy(
    t.deps,
    accountId,
    'role',
    roleName,
    policyName,
    JSON.stringify({ Version: '2012-10-17', Statement: statements }),
    CLI_ACTOR,
    SYSTEM_META,
  );
}
