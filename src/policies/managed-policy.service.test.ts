import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { failure } from '../../test/support/errors.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { attachPolicy, detachPolicy } from './attachment.service.ts';
import {
  createPolicy,
  createPolicyVersion,
  deletePolicy,
  deletePolicyVersion,
  getPolicy,
  getPolicyVersion,
  listPolicies,
  listPolicyVersions,
  setDefaultPolicyVersion,
} from './managed-policy.service.ts';

const doc = (action: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });

describe.each(DIALECTS)('managed policies on %s', (dialect) => {
  let t: TestContext;
  let accountId: string;
  let otherAccountId: string;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    accountId = (await makeAccount(t.deps)).id;
    otherAccountId = (await makeAccount(t.deps)).id;
    await makeUser(t.deps, accountId, 'alice', { password: null });
  });
  afterAll(() => t.close());

  it('creates a policy with version v1 as default, and reads it back', async () => {
    const policy = await createPolicy(
      t.deps,
      accountId,
      { name: 'ReadUsers', path: '/team/', description: 'Read users', document: doc('iam:GetUser') },
      CLI_ACTOR,
      SYSTEM_META,
    );
    expect(policy).toMatchObject({
      name: 'ReadUsers',
      arn: `arn:aws:iam::${accountId}:policy/team/ReadUsers`,
      defaultVersionId: 'v1',
      attachmentCount: 0,
      awsManaged: false,
    });
    expect(policy.policyId).toMatch(/^ANPA[A-Z2-7]{17}$/);
    expect(await getPolicy(t.deps, accountId, policy.arn)).toEqual({ ...policy, tags: [] });
    expect(await getPolicyVersion(t.deps, accountId, policy.arn, 'v1')).toMatchObject({
      versionId: 'v1',
      isDefaultVersion: true,
      document: doc('iam:GetUser'),
    });
    const events = await listAuditEvents(t.deps.db, { accountId, eventName: 'CreatePolicy', limit: 5 });
    expect(events[0]!.targetId).toBe(policy.policyId);
  });

  it('rejects malformed and oversized documents and duplicate names', async () => {
    const malformed = await failure(
      createPolicy(
        t.deps,
        accountId,
        { name: 'Bad', document: '{"Statement": {"Effect": "Allow"}}' },
        CLI_ACTOR,
        SYSTEM_META,
      ),
    );
    expect([malformed.code, malformed.status]).toEqual(['MalformedPolicyDocument', 400]);
    const big = JSON.stringify({
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: Array.from({ length: 400 }, (_, i) => `iam:Action${i}`), Resource: '*' }],
    });
    const oversized = await failure(
      createPolicy(t.deps, accountId, { name: 'Big', document: big }, CLI_ACTOR, SYSTEM_META),
    );
    expect([oversized.code, oversized.message]).toEqual(['LimitExceeded', 'Cannot exceed quota for PolicySize: 6144']);
    await createPolicy(t.deps, accountId, { name: 'Dup', document: doc('iam:GetUser') }, CLI_ACTOR, SYSTEM_META);
    const duplicate = await failure(
      createPolicy(t.deps, accountId, { name: 'DUP', document: doc('iam:GetUser') }, CLI_ACTOR, SYSTEM_META),
    );
    expect([duplicate.code, duplicate.message]).toEqual([
      'EntityAlreadyExists',
      'A policy called DUP already exists. Duplicate names are not allowed.',
    ]);
    await createPolicy(t.deps, otherAccountId, { name: 'Dup', document: doc('iam:GetUser') }, CLI_ACTOR, SYSTEM_META);
  });

  it('keeps at most five versions, never reuses a version ID, and guards the default', async () => {
    const { arn } = await createPolicy(
      t.deps,
      accountId,
      { name: 'Versioned', document: doc('iam:GetUser') },
      CLI_ACTOR,
      SYSTEM_META,
    );
    for (let i = 2; i <= 5; i++)
      await createPolicyVersion(t.deps, accountId, arn, doc(`iam:Get${i}`), false, CLI_ACTOR, SYSTEM_META);
    const sixth = await failure(
      createPolicyVersion(t.deps, accountId, arn, doc('iam:Get6'), true, CLI_ACTOR, SYSTEM_META),
    );
    expect([sixth.code, sixth.message]).toEqual([
      'LimitExceeded',
      'A managed policy can have up to 5 versions. Before you create a new version, you must delete an existing version.',
    ]);
    expect((await listPolicyVersions(t.deps, accountId, arn)).map((v) => [v.versionId, v.isDefaultVersion])).toEqual([
      ['v5', false],
      ['v4', false],
      ['v3', false],
      ['v2', false],
      ['v1', true],
    ]);
    const defaultDelete = await failure(deletePolicyVersion(t.deps, accountId, arn, 'v1', CLI_ACTOR, SYSTEM_META));
    expect([defaultDelete.code, defaultDelete.message]).toEqual([
      'DeleteConflict',
      'Cannot delete the default version of a policy.',
    ]);
    await setDefaultPolicyVersion(t.deps, accountId, arn, 'v3', CLI_ACTOR, SYSTEM_META);
    expect((await getPolicy(t.deps, accountId, arn)).defaultVersionId).toBe('v3');
    await deletePolicyVersion(t.deps, accountId, arn, 'v5', CLI_ACTOR, SYSTEM_META);
    const next = await createPolicyVersion(t.deps, accountId, arn, doc('iam:Get7'), true, CLI_ACTOR, SYSTEM_META);
    expect(next.versionId).toBe('v6');
    expect((await getPolicy(t.deps, accountId, arn)).defaultVersionId).toBe('v6');
    expect((await failure(getPolicyVersion(t.deps, accountId, arn, 'v5'))).message).toBe(
      `Policy ${arn} version v5 does not exist or is not attachable.`,
    );
    expect((await failure(setDefaultPolicyVersion(t.deps, accountId, arn, 'v9', CLI_ACTOR, SYSTEM_META))).code).toBe(
      'NoSuchEntity',
    );

    const withVersions = await failure(deletePolicy(t.deps, accountId, arn, CLI_ACTOR, SYSTEM_META));
    expect(withVersions.code).toBe('DeleteConflict');
    for (const v of ['v1', 'v2', 'v3', 'v4'])
      await deletePolicyVersion(t.deps, accountId, arn, v, CLI_ACTOR, SYSTEM_META);
    await deletePolicy(t.deps, accountId, arn, CLI_ACTOR, SYSTEM_META);
    expect((await failure(getPolicy(t.deps, accountId, arn))).code).toBe('NoSuchEntity');
  });

  it('refuses to delete an attached policy', async () => {
    const { arn } = await createPolicy(
      t.deps,
      accountId,
      { name: 'Attached', document: doc('iam:GetUser') },
      CLI_ACTOR,
      SYSTEM_META,
    );
    await attachPolicy(t.deps, accountId, 'user', 'alice', arn, CLI_ACTOR, SYSTEM_META);
    expect((await getPolicy(t.deps, accountId, arn)).attachmentCount).toBe(1);
    const error = await failure(deletePolicy(t.deps, accountId, arn, CLI_ACTOR, SYSTEM_META));
    expect([error.code, error.message]).toEqual(['DeleteConflict', 'Cannot delete a policy attached to entities.']);
    await detachPolicy(t.deps, accountId, 'user', 'alice', arn, CLI_ACTOR, SYSTEM_META);
    await deletePolicy(t.deps, accountId, arn, CLI_ACTOR, SYSTEM_META);
  });

  it('shows AWS managed policies to every account and lets none change them', async () => {
    const arn = 'arn:aws:iam::aws:policy/IAMReadOnlyAccess';
    expect(await getPolicy(t.deps, accountId, arn)).toMatchObject({
      name: 'IAMReadOnlyAccess',
      defaultVersionId: 'v4',
      awsManaged: true,
      policyId: 'ANPAJKSO7NDY4T57MWDSQ',
    });
    expect((await getPolicyVersion(t.deps, otherAccountId, arn, 'v4')).document).toContain('iam:List*');
    expect(
      (await failure(createPolicyVersion(t.deps, accountId, arn, doc('iam:GetUser'), true, CLI_ACTOR, SYSTEM_META)))
        .code,
    ).toBe('AccessDenied');
    expect((await failure(deletePolicy(t.deps, accountId, arn, CLI_ACTOR, SYSTEM_META))).code).toBe('AccessDenied');
    const local = (await listPolicies(t.deps, accountId, { scope: 'Local' })).map((p) => p.name);
    expect(local).toContain('ReadUsers');
    expect(local).not.toContain('IAMReadOnlyAccess');
    expect((await listPolicies(t.deps, accountId, { scope: 'AWS' })).map((p) => p.name)).toEqual([
      'AdministratorAccess',
      'IAMFullAccess',
      'IAMReadOnlyAccess',
      'IAMUserChangePassword',
    ]);
  });

  it("never reveals or touches another account's policy", async () => {
    const theirs = await createPolicy(
      t.deps,
      otherAccountId,
      { name: 'Theirs', document: doc('iam:GetUser') },
      CLI_ACTOR,
      SYSTEM_META,
    );
    for (const attempt of [
      () => getPolicy(t.deps, accountId, theirs.arn),
      () => getPolicyVersion(t.deps, accountId, theirs.arn, 'v1'),
      () => deletePolicy(t.deps, accountId, theirs.arn, CLI_ACTOR, SYSTEM_META),
      () => createPolicyVersion(t.deps, accountId, theirs.arn, doc('iam:*'), true, CLI_ACTOR, SYSTEM_META),
      () => attachPolicy(t.deps, accountId, 'user', 'alice', theirs.arn, CLI_ACTOR, SYSTEM_META),
    ]) {
      const error = await failure(attempt());
      expect([error.code, error.message]).toEqual([
        'NoSuchEntity',
        `Policy ${theirs.arn} does not exist or is not attachable.`,
      ]);
    }
    expect((await listPolicies(t.deps, accountId, { scope: 'Local' })).map((p) => p.name)).not.toContain('Theirs');
  });
});
