import {
  CreatePolicyCommand,
  DeletePolicyCommand,
  GetPolicyCommand,
  type IAMClient,
  ListPoliciesCommand,
  ListPolicyTagsCommand,
  TagPolicyCommand,
  UntagPolicyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients, expectAwsError, keyFor } from '../../test/support/aws-clients.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { listen } from '../../test/support/listen.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';

const document = JSON.stringify({
  Version: '2012-10-17',
  Statement: { Effect: 'Allow', Action: 's3:ListBucket', Resource: '*' },
});
const KEY_LIST_CONSTRAINT =
  "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 128, Member must have length greater than or equal to 1, Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+, Member must not be null]";

describe.each(DIALECTS)('policy tags through the AWS SDK on %s', (dialect) => {
  let t: TestContext;
  let iam: IAMClient;
  let accountId: string;
  let endpoint: string;
  let count = 0;
  const create = async (tags?: Array<{ Key: string; Value: string }>, description?: string) =>
    (
      await iam.send(
        new CreatePolicyCommand({
          PolicyName: `Tagged${++count}`,
          PolicyDocument: document,
          Tags: tags,
          Description: description,
        }),
      )
    ).Policy!;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    t.clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    endpoint = await listen(t.app);
    accountId = (await makeAccount(t.deps)).id;
    ({ iam } = awsClients(t, endpoint, await keyFor(t, { accountId, principalId: accountId, userName: null })));
  });
  afterAll(() => t.close());

  it('CreatePolicy with Tags echoes them in the order given; GetPolicy always shows Tags; ListPolicies never does', async () => {
    const given = [
      { Key: 'zone', Value: 'eu' },
      { Key: 'b', Value: '' },
      { Key: 'a', Value: 'lower' },
      { Key: 'A', Value: 'upper' },
    ];
    const created = await create(given, 'For the ledger');
    expect(created.Tags).toEqual(given);
    // As IAM answers: CreatePolicy leaves the description out, GetPolicy shows it.
    expect(created.Description).toBeUndefined();
    const got = (await iam.send(new GetPolicyCommand({ PolicyArn: created.Arn }))).Policy!;
    expect([got.Tags, got.Description]).toEqual([given, 'For the ledger']);
    expect((await iam.send(new ListPolicyTagsCommand({ PolicyArn: created.Arn }))).Tags).toEqual(given);

    const untagged = await create();
    expect(untagged.Tags).toBeUndefined();
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: untagged.Arn }))).Policy!.Tags).toEqual([]);
    const listed = (await iam.send(new ListPoliciesCommand({ Scope: 'Local' }))).Policies!;
    expect(listed.every((p) => p.Tags === undefined)).toBe(true);
  });

  it('TagPolicy adds keys last and replaces values in place; keys are case-sensitive; UntagPolicy removes; ListPolicyTags pages', async () => {
    const { Arn } = await create();
    await iam.send(
      new TagPolicyCommand({
        PolicyArn: Arn,
        Tags: [
          { Key: 'team', Value: 'ops' },
          { Key: 'cost', Value: '42' },
        ],
      }),
    );
    await iam.send(
      new TagPolicyCommand({
        PolicyArn: Arn,
        Tags: [
          { Key: 'team', Value: 'dev' },
          { Key: 'Team', Value: 'other' },
        ],
      }),
    );
    const all = [
      { Key: 'team', Value: 'dev' },
      { Key: 'cost', Value: '42' },
      { Key: 'Team', Value: 'other' },
    ];
    expect((await iam.send(new ListPolicyTagsCommand({ PolicyArn: Arn }))).Tags).toEqual(all);
    const first = await iam.send(new ListPolicyTagsCommand({ PolicyArn: Arn, MaxItems: 2 }));
    expect([first.Tags, first.IsTruncated]).toEqual([all.slice(0, 2), true]);
    const rest = await iam.send(new ListPolicyTagsCommand({ PolicyArn: Arn, Marker: first.Marker }));
    expect([rest.Tags, rest.IsTruncated, rest.Marker]).toEqual([all.slice(2), false, undefined]);
    await iam.send(new UntagPolicyCommand({ PolicyArn: Arn, TagKeys: ['team', 'absent'] }));
    expect((await iam.send(new ListPolicyTagsCommand({ PolicyArn: Arn }))).Tags).toEqual(all.slice(1));
    await iam.send(new UntagPolicyCommand({ PolicyArn: Arn, TagKeys: ['cost', 'Team'] }));
    expect((await iam.send(new ListPolicyTagsCommand({ PolicyArn: Arn }))).Tags).toEqual([]);
    const events = await listAuditEvents(t.deps.db, { accountId, eventName: 'TagPolicy', limit: 5 });
    expect(events).toHaveLength(2);
    expect((await listAuditEvents(t.deps.db, { accountId, eventName: 'UntagPolicy', limit: 5 })).length).toBe(2);
  });

  it('refuses tags as IAM does', async () => {
    const { Arn } = await create();
    const tooMany = Array.from({ length: 51 }, (_, i) => ({ Key: `k${i}`, Value: `${i}` }));
    for (const call of [
      (tags: Array<{ Key: string; Value: string }>) =>
        iam.send(new CreatePolicyCommand({ PolicyName: 'Refused', PolicyDocument: document, Tags: tags })),
      (tags: Array<{ Key: string; Value: string }>) => iam.send(new TagPolicyCommand({ PolicyArn: Arn, Tags: tags })),
    ]) {
      await expectAwsError(
        call(tooMany),
        'ValidationError',
        400,
        "1 validation error detected: Value at 'tags' failed to satisfy constraint: Member must have length less than or equal to 50",
      );
      await expectAwsError(
        call([
          { Key: '0', Value: '' },
          { Key: '0', Value: '' },
        ]),
        'InvalidInput',
        400,
        'Duplicate tag keys found.',
      );
      await expectAwsError(
        call([{ Key: 'k'.repeat(129), Value: '' }]),
        'ValidationError',
        400,
        "1 validation error detected: Value at 'tags.1.member.key' failed to satisfy constraint: Member must have length less than or equal to 128",
      );
      await expectAwsError(
        call([{ Key: 'k', Value: 'v'.repeat(257) }]),
        'ValidationError',
        400,
        "1 validation error detected: Value at 'tags.1.member.value' failed to satisfy constraint: Member must have length less than or equal to 256",
      );
      await expectAwsError(
        call([{ Key: 'NOWAY!', Value: '' }]),
        'ValidationError',
        400,
        "1 validation error detected: Value at 'tags.1.member.key' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+",
      );
    }
    await expectAwsError(
      iam.send(new GetPolicyCommand({ PolicyArn: `arn:aws:iam::${accountId}:policy/Refused` })),
      'NoSuchEntity',
      404,
    );
    await expectAwsError(
      iam.send(new UntagPolicyCommand({ PolicyArn: Arn, TagKeys: Array.from({ length: 51 }, (_, i) => `k${i}`) })),
      'ValidationError',
      400,
      "1 validation error detected: Value at 'tagKeys' failed to satisfy constraint: Member must have length less than or equal to 50",
    );
    await expectAwsError(
      iam.send(new UntagPolicyCommand({ PolicyArn: Arn, TagKeys: ['k'.repeat(129)] })),
      'ValidationError',
      400,
      KEY_LIST_CONSTRAINT,
    );
    await expectAwsError(
      iam.send(new UntagPolicyCommand({ PolicyArn: Arn, TagKeys: ['NOWAY!'] })),
      'ValidationError',
      400,
      KEY_LIST_CONSTRAINT,
    );

    const missing = `arn:aws:iam::${accountId}:policy/NotAPolicy`;
    await expectAwsError(
      iam.send(new TagPolicyCommand({ PolicyArn: missing, Tags: [{ Key: 'k', Value: 'v' }] })),
      'NoSuchEntity',
      404,
      `Policy ${missing} was not found.`,
    );
    await expectAwsError(
      iam.send(new UntagPolicyCommand({ PolicyArn: missing, TagKeys: ['k'] })),
      'NoSuchEntity',
      404,
      `Policy ${missing} was not found.`,
    );
    await expectAwsError(
      iam.send(new ListPolicyTagsCommand({ PolicyArn: missing })),
      'NoSuchEntity',
      404,
      `Policy ${missing} was not found.`,
    );
  });

  it('keeps at most 50 tags on a policy, and never lets one account tag another’s policy', async () => {
    const { Arn } = await create(Array.from({ length: 50 }, (_, i) => ({ Key: `k${i}`, Value: '' })));
    await iam.send(new TagPolicyCommand({ PolicyArn: Arn, Tags: [{ Key: 'k7', Value: 'replaced' }] }));
    await expectAwsError(
      iam.send(new TagPolicyCommand({ PolicyArn: Arn, Tags: [{ Key: 'one-more', Value: '' }] })),
      'LimitExceeded',
      409,
      'Cannot exceed quota for TagsPerPolicy: 50',
    );
    expect((await iam.send(new ListPolicyTagsCommand({ PolicyArn: Arn }))).Tags).toHaveLength(50);

    const other = await makeAccount(t.deps);
    const { iam: theirs } = awsClients(
      t,
      endpoint,
      await keyFor(t, { accountId: other.id, principalId: other.id, userName: null }),
    );
    await expectAwsError(
      theirs.send(new TagPolicyCommand({ PolicyArn: Arn, Tags: [{ Key: 'k', Value: 'v' }] })),
      'AccessDenied',
      403,
    );
    await iam.send(new DeletePolicyCommand({ PolicyArn: Arn }));
    const readOnly = 'arn:aws:iam::aws:policy/IAMReadOnlyAccess';
    expect((await iam.send(new ListPolicyTagsCommand({ PolicyArn: readOnly }))).Tags).toEqual([]);
    expect((await iam.send(new GetPolicyCommand({ PolicyArn: readOnly }))).Policy!.Tags).toEqual([]);
    await expectAwsError(
      iam.send(new TagPolicyCommand({ PolicyArn: readOnly, Tags: [{ Key: 'k', Value: 'v' }] })),
      'AccessDenied',
      403,
    );
  });

  it('needs iam:TagPolicy, iam:UntagPolicy and iam:ListPolicyTags on the policy', async () => {
    const { Arn } = await create([{ Key: 'team', Value: 'ops' }]);
    const reader = await makeUser(t.deps, accountId, `reader${count}`, { password: null });
    const { iam: theirs } = awsClients(
      t,
      endpoint,
      await keyFor(t, { accountId, principalId: reader.id, userName: reader.name }),
    );
    await expectAwsError(
      theirs.send(new ListPolicyTagsCommand({ PolicyArn: Arn })),
      'AccessDenied',
      403,
      new RegExp(`iam:ListPolicyTags on resource: ${Arn!.replace(/[/]/g, '\\/')}`),
    );
    await expectAwsError(
      theirs.send(new TagPolicyCommand({ PolicyArn: Arn, Tags: [{ Key: 'k', Value: 'v' }] })),
      'AccessDenied',
      403,
      /iam:TagPolicy/,
    );
    await expectAwsError(
      theirs.send(new UntagPolicyCommand({ PolicyArn: Arn, TagKeys: ['team'] })),
      'AccessDenied',
      403,
      /iam:UntagPolicy/,
    );
  });
});
