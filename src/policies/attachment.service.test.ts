import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { failure } from '../../test/support/errors.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { createGroup } from '../groups/group.service.ts';
import {
  ATTACHMENT_QUOTAS,
  attachPolicy,
  detachPolicy,
  listAttachedPolicies,
  listEntitiesForPolicy,
} from './attachment.service.ts';
import {
  deleteInlinePolicy,
  getInlinePolicy,
  listInlinePolicyNames,
  putInlinePolicy,
} from './inline-policy.service.ts';
import { createPolicy, listPolicies } from './managed-policy.service.ts';

const doc = (action: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: action, Resource: '*' }] });
const READ_ONLY = 'arn:aws:iam::aws:policy/IAMReadOnlyAccess';

describe.each(DIALECTS)('policy attachments and inline policies on %s', (dialect) => {
  let t: TestContext;
  let accountId: string;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    accountId = (await makeAccount(t.deps)).id;
    await makeUser(t.deps, accountId, 'alice', { password: null });
    await makeUser(t.deps, accountId, 'bob', { password: null });
    await createGroup(t.deps, accountId, { name: 'Support' }, CLI_ACTOR, SYSTEM_META);
  });
  afterAll(() => t.close());

  it('attaches AWS and customer managed policies to users and groups, once each', async () => {
    const custom = await createPolicy(
      t.deps,
      accountId,
      { name: 'Custom', path: '/team/', document: doc('iam:GetUser') },
      CLI_ACTOR,
      SYSTEM_META,
    );
    await attachPolicy(t.deps, accountId, 'user', 'alice', READ_ONLY, CLI_ACTOR, SYSTEM_META);
    await attachPolicy(t.deps, accountId, 'user', 'alice', READ_ONLY, CLI_ACTOR, SYSTEM_META);
    await attachPolicy(t.deps, accountId, 'user', 'alice', custom.arn, CLI_ACTOR, SYSTEM_META);
    await attachPolicy(t.deps, accountId, 'group', 'support', READ_ONLY, CLI_ACTOR, SYSTEM_META);
    expect(await listAttachedPolicies(t.deps, accountId, 'user', 'alice')).toEqual([
      { policyName: 'Custom', policyArn: custom.arn },
      { policyName: 'IAMReadOnlyAccess', policyArn: READ_ONLY },
    ]);
    expect(await listAttachedPolicies(t.deps, accountId, 'user', 'alice', { pathPrefix: '/team/' })).toEqual([
      { policyName: 'Custom', policyArn: custom.arn },
    ]);
    expect((await listAttachedPolicies(t.deps, accountId, 'group', 'Support')).map((p) => p.policyName)).toEqual([
      'IAMReadOnlyAccess',
    ]);
    const entities = await listEntitiesForPolicy(t.deps, accountId, READ_ONLY);
    expect(entities.users.map((u) => u.userName)).toEqual(['alice']);
    expect(entities.groups.map((g) => g.groupName)).toEqual(['Support']);
    expect((await listEntitiesForPolicy(t.deps, accountId, READ_ONLY, { entityFilter: 'Group' })).users).toEqual([]);
    expect(
      (await listPolicies(t.deps, accountId, { onlyAttached: true })).map((p) => [p.name, p.attachmentCount]),
    ).toEqual([
      ['Custom', 1],
      ['IAMReadOnlyAccess', 2],
    ]);
    const events = await listAuditEvents(t.deps.db, { accountId, eventName: 'AttachUserPolicy', limit: 10 });
    expect(events.length).toBe(2);
  });

  it('detaches, and says when the policy was not attached', async () => {
    await detachPolicy(t.deps, accountId, 'group', 'Support', READ_ONLY, CLI_ACTOR, SYSTEM_META);
    const error = await failure(detachPolicy(t.deps, accountId, 'group', 'Support', READ_ONLY, CLI_ACTOR, SYSTEM_META));
    expect([error.code, error.message]).toEqual(['NoSuchEntity', `Policy ${READ_ONLY} was not found.`]);
    expect(
      (
        await failure(
          attachPolicy(
            t.deps,
            accountId,
            'user',
            'alice',
            'arn:aws:iam::aws:policy/NoSuchPolicy',
            CLI_ACTOR,
            SYSTEM_META,
          ),
        )
      ).code,
    ).toBe('NoSuchEntity');
    expect(
      (await failure(attachPolicy(t.deps, accountId, 'user', 'nobody', READ_ONLY, CLI_ACTOR, SYSTEM_META))).code,
    ).toBe('NoSuchEntity');
  });

  it(`limits a user to ${ATTACHMENT_QUOTAS.user} attached policies`, async () => {
    for (let i = 0; i < ATTACHMENT_QUOTAS.user; i++) {
      const { arn } = await createPolicy(
        t.deps,
        accountId,
        { name: `q${i}`, document: doc('iam:GetUser') },
        CLI_ACTOR,
        SYSTEM_META,
      );
      await attachPolicy(t.deps, accountId, 'user', 'bob', arn, CLI_ACTOR, SYSTEM_META);
    }
    const error = await failure(attachPolicy(t.deps, accountId, 'user', 'bob', READ_ONLY, CLI_ACTOR, SYSTEM_META));
    expect([error.code, error.message]).toEqual(['LimitExceeded', 'Cannot exceed quota for PoliciesPerUser: 10']);
  });

  it('puts, replaces, reads, lists and deletes inline policies of users and groups', async () => {
    await putInlinePolicy(t.deps, accountId, 'user', 'alice', 'Self', doc('iam:GetUser'), CLI_ACTOR, SYSTEM_META);
    await putInlinePolicy(t.deps, accountId, 'user', 'alice', 'Self', doc('iam:ListUsers'), CLI_ACTOR, SYSTEM_META);
    await putInlinePolicy(
      t.deps,
      accountId,
      'group',
      'Support',
      'Desk',
      doc('iam:UpdateLoginProfile'),
      CLI_ACTOR,
      SYSTEM_META,
    );
    expect(await getInlinePolicy(t.deps, accountId, 'user', 'ALICE', 'Self')).toEqual({
      ownerName: 'alice',
      policyName: 'Self',
      document: doc('iam:ListUsers'),
    });
    expect(await listInlinePolicyNames(t.deps, accountId, 'group', 'Support')).toEqual(['Desk']);
    const malformed = await failure(
      putInlinePolicy(t.deps, accountId, 'user', 'alice', 'Bad', '{"Version":"2012-10-17"}', CLI_ACTOR, SYSTEM_META),
    );
    expect(malformed.code).toBe('MalformedPolicyDocument');
    await deleteInlinePolicy(t.deps, accountId, 'user', 'alice', 'Self', CLI_ACTOR, SYSTEM_META);
    const gone = await failure(getInlinePolicy(t.deps, accountId, 'user', 'alice', 'Self'));
    expect([gone.code, gone.message]).toEqual(['NoSuchEntity', 'The user policy with name Self cannot be found.']);
    expect(
      (await failure(deleteInlinePolicy(t.deps, accountId, 'group', 'Support', 'Nope', CLI_ACTOR, SYSTEM_META)))
        .message,
    ).toBe('The group policy with name Nope cannot be found.');
    const events = await listAuditEvents(t.deps.db, { accountId, eventName: 'PutUserPolicy', limit: 10 });
    expect(events.map((e) => JSON.parse(e.details!).outcome)).toEqual(['updated', 'created']);
  });

  it("limits the sum of a user's inline policies to 2,048 characters, white space not counted", async () => {
    const statement = (i: number) => ({
      Effect: 'Allow',
      Action: `iam:Action${String(i).padStart(4, '0')}`,
      Resource: '*',
    });
    const sized = (count: number) =>
      JSON.stringify(
        { Version: '2012-10-17', Statement: Array.from({ length: count }, (_, i) => statement(i)) },
        null,
        8,
      );
    await putInlinePolicy(t.deps, accountId, 'user', 'bob', 'First', sized(20), CLI_ACTOR, SYSTEM_META);
    const error = await failure(
      putInlinePolicy(t.deps, accountId, 'user', 'bob', 'Second', sized(20), CLI_ACTOR, SYSTEM_META),
    );
    expect([error.code, error.message]).toEqual([
      'LimitExceeded',
      'Maximum policy size of 2048 bytes exceeded for user bob',
    ]);
    await putInlinePolicy(t.deps, accountId, 'user', 'bob', 'First', sized(25), CLI_ACTOR, SYSTEM_META);
    await putInlinePolicy(t.deps, accountId, 'group', 'Support', 'Bigger', sized(40), CLI_ACTOR, SYSTEM_META);
  });
});
