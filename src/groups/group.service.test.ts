import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { failure } from '../../test/support/errors.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';
import { CLI_ACTOR, SYSTEM_META } from '../audit/audit.service.ts';
import { attachPolicy } from '../policies/attachment.service.ts';
import { deleteInlinePolicy, putInlinePolicy } from '../policies/inline-policy.service.ts';
import {
  GROUP_QUOTAS,
  addUserToGroup,
  createGroup,
  deleteGroup,
  getGroup,
  listGroups,
  listGroupsForUser,
  removeUserFromGroup,
  updateGroup,
} from './group.service.ts';

const DOC = JSON.stringify({
  Version: '2012-10-17',
  Statement: { Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' },
});

describe.each(DIALECTS)('groups on %s', (dialect) => {
  let t: TestContext;
  let accountId: string;
  let otherAccountId: string;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    accountId = (await makeAccount(t.deps)).id;
    otherAccountId = (await makeAccount(t.deps)).id;
    await makeUser(t.deps, accountId, 'alice', { password: null });
    await makeUser(t.deps, accountId, 'bob', { password: null });
  });
  afterAll(() => t.close());

  it('creates, finds, lists, renames and deletes a group, auditing each change', async () => {
    const group = await createGroup(t.deps, accountId, { name: 'Support', path: '/teams/' }, CLI_ACTOR, SYSTEM_META);
    expect(group.id).toMatch(/^AGPA[A-Z2-7]{17}$/);
    expect(group.arn).toBe(`arn:aws:iam::${accountId}:group/teams/Support`);
    expect((await getGroup(t.deps, accountId, 'SUPPORT')).group.id).toBe(group.id);
    expect((await listGroups(t.deps, accountId, { pathPrefix: '/teams/' })).map((g) => g.name)).toEqual(['Support']);
    expect(await listGroups(t.deps, accountId, { pathPrefix: '/other/' })).toEqual([]);
    expect(await listGroups(t.deps, otherAccountId)).toEqual([]);

    const renamed = await updateGroup(
      t.deps,
      accountId,
      'Support',
      { newName: 'Helpdesk', newPath: '/' },
      CLI_ACTOR,
      SYSTEM_META,
    );
    expect(renamed.arn).toBe(`arn:aws:iam::${accountId}:group/Helpdesk`);
    expect((await failure(getGroup(t.deps, accountId, 'Support'))).message).toBe(
      'The group with name Support cannot be found.',
    );

    await deleteGroup(t.deps, accountId, 'Helpdesk', CLI_ACTOR, SYSTEM_META);
    const events = await listAuditEvents(t.deps.db, { accountId, targetId: group.id, limit: 10 });
    expect(events.map((e) => e.eventName).reverse()).toEqual(['CreateGroup', 'UpdateGroup', 'DeleteGroup']);
  });

  it('refuses a second group of the same name, ignoring case, and not in another account', async () => {
    await createGroup(t.deps, accountId, { name: 'Admins' }, CLI_ACTOR, SYSTEM_META);
    const error = await failure(createGroup(t.deps, accountId, { name: 'admins' }, CLI_ACTOR, SYSTEM_META));
    expect([error.code, error.message]).toEqual(['EntityAlreadyExists', 'Group with name admins already exists.']);
    await createGroup(t.deps, otherAccountId, { name: 'Admins' }, CLI_ACTOR, SYSTEM_META);
    await createGroup(t.deps, otherAccountId, { name: 'Readers' }, CLI_ACTOR, SYSTEM_META);
    const renameClash = await failure(
      updateGroup(t.deps, otherAccountId, 'Readers', { newName: 'ADMINS' }, CLI_ACTOR, SYSTEM_META),
    );
    expect(renameClash.code).toBe('EntityAlreadyExists');
    expect(
      (await updateGroup(t.deps, otherAccountId, 'Readers', { newName: 'READERS' }, CLI_ACTOR, SYSTEM_META)).name,
    ).toBe('READERS');
  });

  it('validates names and paths at the edge', async () => {
    expect((await failure(createGroup(t.deps, accountId, { name: 'has space' }, CLI_ACTOR, SYSTEM_META))).code).toBe(
      'ValidationError',
    );
    expect(
      (await failure(createGroup(t.deps, accountId, { name: 'x'.repeat(129) }, CLI_ACTOR, SYSTEM_META))).code,
    ).toBe('ValidationError');
    expect(
      (await failure(createGroup(t.deps, accountId, { name: 'ok', path: 'nopath' }, CLI_ACTOR, SYSTEM_META))).code,
    ).toBe('ValidationError');
  });

  it('adds and removes members; a group with members, policies or attachments cannot be deleted', async () => {
    await createGroup(t.deps, accountId, { name: 'Ops' }, CLI_ACTOR, SYSTEM_META);
    await addUserToGroup(t.deps, accountId, 'Ops', 'alice', CLI_ACTOR, SYSTEM_META);
    await addUserToGroup(t.deps, accountId, 'ops', 'ALICE', CLI_ACTOR, SYSTEM_META);
    expect((await getGroup(t.deps, accountId, 'Ops')).users.map((u) => u.name)).toEqual(['alice']);
    expect((await listGroupsForUser(t.deps, accountId, 'alice')).map((g) => g.name)).toContain('Ops');

    const conflict = await failure(deleteGroup(t.deps, accountId, 'Ops', CLI_ACTOR, SYSTEM_META));
    expect([conflict.code, conflict.message]).toEqual([
      'DeleteConflict',
      'Cannot delete entity, must remove users from group first.',
    ]);
    await removeUserFromGroup(t.deps, accountId, 'Ops', 'alice', CLI_ACTOR, SYSTEM_META);
    expect((await failure(removeUserFromGroup(t.deps, accountId, 'Ops', 'alice', CLI_ACTOR, SYSTEM_META))).code).toBe(
      'NoSuchEntity',
    );

    await putInlinePolicy(t.deps, accountId, 'group', 'Ops', 'Read', DOC, CLI_ACTOR, SYSTEM_META);
    expect((await failure(deleteGroup(t.deps, accountId, 'Ops', CLI_ACTOR, SYSTEM_META))).message).toBe(
      'Cannot delete entity, must delete policies first.',
    );
    await deleteInlinePolicy(t.deps, accountId, 'group', 'Ops', 'Read', CLI_ACTOR, SYSTEM_META);
    await attachPolicy(
      t.deps,
      accountId,
      'group',
      'Ops',
      'arn:aws:iam::aws:policy/IAMReadOnlyAccess',
      CLI_ACTOR,
      SYSTEM_META,
    );
    expect((await failure(deleteGroup(t.deps, accountId, 'Ops', CLI_ACTOR, SYSTEM_META))).message).toBe(
      'Cannot delete entity, must detach all policies first.',
    );
  });

  it("answers NoSuchEntity for unknown groups and users, and for another account's group", async () => {
    expect((await failure(addUserToGroup(t.deps, accountId, 'Nope', 'alice', CLI_ACTOR, SYSTEM_META))).code).toBe(
      'NoSuchEntity',
    );
    expect((await failure(addUserToGroup(t.deps, accountId, 'Admins', 'nobody', CLI_ACTOR, SYSTEM_META))).message).toBe(
      'The user with name nobody cannot be found.',
    );
    await createGroup(t.deps, otherAccountId, { name: 'Theirs' }, CLI_ACTOR, SYSTEM_META);
    expect((await failure(getGroup(t.deps, accountId, 'Theirs'))).code).toBe('NoSuchEntity');
  });

  it(`limits a user to ${GROUP_QUOTAS.groupsPerUser} groups`, async () => {
    for (let i = 0; i <= GROUP_QUOTAS.groupsPerUser; i++)
      await createGroup(t.deps, accountId, { name: `quota-${i}` }, CLI_ACTOR, SYSTEM_META);
    for (let i = 0; i < GROUP_QUOTAS.groupsPerUser; i++)
      await addUserToGroup(t.deps, accountId, `quota-${i}`, 'bob', CLI_ACTOR, SYSTEM_META);
    const error = await failure(
      addUserToGroup(t.deps, accountId, `quota-${GROUP_QUOTAS.groupsPerUser}`, 'bob', CLI_ACTOR, SYSTEM_META),
    );
    expect([error.code, error.message]).toEqual(['LimitExceeded', 'Cannot exceed quota for GroupsPerUser: 10']);
  });
});
