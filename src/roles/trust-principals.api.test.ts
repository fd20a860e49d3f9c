import {
  CreateRoleCommand,
  CreateUserCommand,
  DeleteRoleCommand,
  DeleteUserCommand,
  GetAccountAuthorizationDetailsCommand,
  GetRoleCommand,
  type IAMClient,
  ListRolesCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateUserCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients, expectAwsError, keyFor } from '../../test/support/aws-clients.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount } from '../../test/support/fixtures.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { listen } from '../../test/support/listen.ts';
import { findRoleByName } from '../identities/role.repository.ts';

const trusting = (...aws: string[]) =>
  JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Principal: { AWS: aws.length === 1 ? aws[0] : aws }, Action: 'sts:AssumeRole' }],
  });

/** What GetRole shows as the trust policy's AWS principals. */
function shownPrincipals(encoded: string | undefined): string[] {
  const document = JSON.parse(decodeURIComponent(encoded!)) as {
    Statement: { Principal: { AWS: string | string[] } }[];
  };
  return document.Statement.flatMap((s) => s.Principal.AWS);
}

describe.each(DIALECTS)('trust policy principals, pinned by unique ID, on %s', (dialect) => {
  let t: TestContext;
  let accountId: string;
  let iam: IAMClient;
  let endpoint: string;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    t.clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    endpoint = await listen(t.app);
    accountId = (await makeAccount(t.deps)).id;
    ({ iam } = awsClients(t, endpoint, await keyFor(t, { accountId, principalId: accountId, userName: null })));
  });
  afterAll(() => t.close());

  const userArnOf = (name: string, path = '/') => `arn:aws:iam::${accountId}:user${path}${name}`;
  const shownTrust = async (role: string) =>
    shownPrincipals((await iam.send(new GetRoleCommand({ RoleName: role }))).Role!.AssumeRolePolicyDocument);

  it('shows a deleted user as its unique ID, and still so after a user of the same name is made again', async () => {
    const bob = (await iam.send(new CreateUserCommand({ UserName: 'bob' }))).User!.UserId!;
    const written = trusting(userArnOf('bob'), '111122223333');
    await iam.send(new CreateRoleCommand({ RoleName: 'ForBob', AssumeRolePolicyDocument: written }));
    expect((await findRoleByName(t.deps.db, accountId, 'ForBob'))!.trustPrincipalIds).toEqual({
      [userArnOf('bob')]: bob,
    });
    const asWritten = (await iam.send(new GetRoleCommand({ RoleName: 'ForBob' }))).Role!.AssumeRolePolicyDocument;
    expect(decodeURIComponent(asWritten!)).toBe(written);

    await iam.send(new DeleteUserCommand({ UserName: 'bob' }));
    expect(await shownTrust('ForBob')).toEqual([bob, '111122223333']);
    const listed = (await iam.send(new ListRolesCommand({}))).Roles!.find((r) => r.RoleName === 'ForBob')!;
    expect(shownPrincipals(listed.AssumeRolePolicyDocument)).toEqual([bob, '111122223333']);
    const details = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['Role'] }));
    const detail = details.RoleDetailList!.find((r) => r.RoleName === 'ForBob')!;
    expect(shownPrincipals(detail.AssumeRolePolicyDocument)).toEqual([bob, '111122223333']);

    const newBob = (await iam.send(new CreateUserCommand({ UserName: 'bob' }))).User!.UserId!;
    expect(newBob).not.toBe(bob);
    expect(await shownTrust('ForBob')).toEqual([bob, '111122223333']);

    // Saving it again as shown refers to nobody: IAM refuses an ID that names no principal.
    await expectAwsError(
      iam.send(
        new UpdateAssumeRolePolicyCommand({ RoleName: 'ForBob', PolicyDocument: trusting(bob, '111122223333') }),
      ),
      'MalformedPolicyDocument',
      400,
      `Invalid principal in policy: "AWS":"${bob}"`,
    );
    // Naming the new bob pins the new bob.
    await iam.send(
      new UpdateAssumeRolePolicyCommand({ RoleName: 'ForBob', PolicyDocument: trusting(userArnOf('bob')) }),
    );
    expect(await shownTrust('ForBob')).toEqual([userArnOf('bob')]);
    expect((await findRoleByName(t.deps.db, accountId, 'ForBob'))!.trustPrincipalIds).toEqual({
      [userArnOf('bob')]: newBob,
    });
    // A bare unique ID that names a principal is accepted as written.
    await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: 'ForBob', PolicyDocument: trusting(newBob) }));
    expect(await shownTrust('ForBob')).toEqual([newBob]);
  });

  it('shows a renamed user as its unique ID: the ARN the policy names no longer names it', async () => {
    const erin = (await iam.send(new CreateUserCommand({ UserName: 'erin' }))).User!.UserId!;
    await iam.send(
      new CreateRoleCommand({ RoleName: 'ForErin', AssumeRolePolicyDocument: trusting(userArnOf('erin')) }),
    );
    await iam.send(new UpdateUserCommand({ UserName: 'erin', NewPath: '/moved/' }));
    expect(await shownTrust('ForErin')).toEqual([erin]);
    await iam.send(new UpdateUserCommand({ UserName: 'erin', NewPath: '/' }));
    expect(await shownTrust('ForErin')).toEqual([userArnOf('erin')]);
  });

  it('refuses a user or role of this Gatehouse that does not exist, named exactly as it is', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'carol', Path: '/staff/' }));
    for (const arn of [
      userArnOf('nobody'),
      userArnOf('carol'),
      userArnOf('Carol', '/staff/'),
      `arn:aws:iam::${accountId}:role/NoSuchRole`,
      `arn:aws:sts::${accountId}:assumed-role/NoSuchRole/session`,
    ]) {
      await expectAwsError(
        iam.send(new CreateRoleCommand({ RoleName: 'Refused', AssumeRolePolicyDocument: trusting(arn) })),
        'MalformedPolicyDocument',
        400,
        `Invalid principal in policy: "AWS":"${arn}"`,
      );
    }
    await expectAwsError(iam.send(new GetRoleCommand({ RoleName: 'Refused' })), 'NoSuchEntity', 404);
    await iam.send(
      new CreateRoleCommand({
        RoleName: 'ForCarol',
        AssumeRolePolicyDocument: trusting(userArnOf('carol', '/staff/')),
      }),
    );
  });

  it('pins users and roles of other accounts of this Gatehouse, and takes other accounts’ principals as written', async () => {
    const other = (await makeAccount(t.deps)).id;
    const otherRoot = awsClients(
      t,
      endpoint,
      await keyFor(t, { accountId: other, principalId: other, userName: null }),
    ).iam;
    const dave = (await otherRoot.send(new CreateUserCommand({ UserName: 'dave' }))).User!.UserId!;
    const daveArn = `arn:aws:iam::${other}:user/dave`;
    const foreign = 'arn:aws:iam::999988887777:user/someone';
    await iam.send(
      new CreateRoleCommand({ RoleName: 'CrossAccount', AssumeRolePolicyDocument: trusting(daveArn, foreign) }),
    );
    expect((await findRoleByName(t.deps.db, accountId, 'CrossAccount'))!.trustPrincipalIds).toEqual({
      [daveArn]: dave,
    });
    await expectAwsError(
      iam.send(
        new CreateRoleCommand({
          RoleName: 'CrossAccountGhost',
          AssumeRolePolicyDocument: trusting(`arn:aws:iam::${other}:user/ghost`),
        }),
      ),
      'MalformedPolicyDocument',
      400,
      `Invalid principal in policy: "AWS":"arn:aws:iam::${other}:user/ghost"`,
    );
    await otherRoot.send(new DeleteUserCommand({ UserName: 'dave' }));
    expect(await shownTrust('CrossAccount')).toEqual([dave, foreign]);
  });

  it('pins a role and its sessions to the role’s unique ID', async () => {
    const target = (
      await iam.send(
        new CreateRoleCommand({ RoleName: 'Target', Path: '/svc/', AssumeRolePolicyDocument: trusting(accountId) }),
      )
    ).Role!.RoleId!;
    const roleArn = `arn:aws:iam::${accountId}:role/svc/Target`;
    const sessionArn = `arn:aws:sts::${accountId}:assumed-role/Target/build-42`;
    await iam.send(
      new CreateRoleCommand({ RoleName: 'Chained', AssumeRolePolicyDocument: trusting(roleArn, sessionArn) }),
    );
    expect((await findRoleByName(t.deps.db, accountId, 'Chained'))!.trustPrincipalIds).toEqual({
      [roleArn]: target,
      [sessionArn]: target,
    });
    expect(await shownTrust('Chained')).toEqual([roleArn, sessionArn]);
    await iam.send(new DeleteRoleCommand({ RoleName: 'Target' }));
    expect(await shownTrust('Chained')).toEqual([target, target]);
    await iam.send(
      new CreateRoleCommand({ RoleName: 'Target', Path: '/svc/', AssumeRolePolicyDocument: trusting(accountId) }),
    );
    expect(await shownTrust('Chained')).toEqual([target, target]);
  });
});
