import {
  AttachUserPolicyCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  DeletePolicyCommand,
  DeleteUserPermissionsBoundaryCommand,
  DeleteUserCommand,
  GetAccountAuthorizationDetailsCommand,
  GetPolicyCommand,
  GetUserCommand,
  type IAMClient,
  ListUsersCommand,
  PutUserPermissionsBoundaryCommand,
  PutUserPolicyCommand,
  SimulatePrincipalPolicyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients, expectAwsError, keyFor } from '../../test/support/aws-clients.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { ROOT_PASSWORD, makeAccount } from '../../test/support/fixtures.ts';
import { Browser, createTestContext, type TestContext } from '../../test/support/harness.ts';
import { listen } from '../../test/support/listen.ts';
import { listAuditEvents } from '../audit/audit.repository.ts';

const doc = (...statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const ADMIN = 'arn:aws:iam::aws:policy/AdministratorAccess';

describe.each(DIALECTS)('permissions boundaries through the AWS SDK on %s', (dialect) => {
  let t: TestContext;
  let endpoint: string;
  let accountId: string;
  let iam: IAMClient;
  let readOnlyBoundary: string;
  let account: Awaited<ReturnType<typeof makeAccount>>;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    t.clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
    endpoint = await listen(t.app);
    account = await makeAccount(t.deps);
    accountId = account.id;
    ({ iam } = awsClients(t, endpoint, await keyFor(t, { accountId, principalId: accountId, userName: null })));
    const created = await iam.send(
      new CreatePolicyCommand({
        PolicyName: 'ReadOnlyBoundary',
        PolicyDocument: doc({ Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' }),
      }),
    );
    readOnlyBoundary = created.Policy!.Arn!;
  });
  afterAll(() => t.close());

  /** SDK clients signed with a fresh access key of the named user. */
  async function clientOf(name: string): Promise<IAMClient> {
    const user = (await iam.send(new GetUserCommand({ UserName: name }))).User!;
    return awsClients(t, endpoint, await keyFor(t, { accountId, principalId: user.UserId!, userName: name })).iam;
  }

  it('caps what a user’s own policies grant, and says so in AccessDenied; removing it lifts the cap', async () => {
    const created = await iam.send(new CreateUserCommand({ UserName: 'dana', PermissionsBoundary: readOnlyBoundary }));
    expect(created.User!.PermissionsBoundary).toEqual({
      PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
      PermissionsBoundaryArn: readOnlyBoundary,
    });
    await iam.send(new AttachUserPolicyCommand({ UserName: 'dana', PolicyArn: ADMIN }));
    const dana = await clientOf('dana');

    // Both allow: allowed. The policy allows, the boundary does not: denied, naming the boundary.
    expect((await dana.send(new ListUsersCommand({}))).Users!.map((u) => u.UserName)).toContain('dana');
    await expectAwsError(
      dana.send(new CreateUserCommand({ UserName: 'made-by-dana' })),
      'AccessDenied',
      403,
      `User: arn:aws:iam::${accountId}:user/dana is not authorized to perform: iam:CreateUser on resource: arn:aws:iam::${accountId}:user/made-by-dana because no permissions boundary allows the iam:CreateUser action`,
    );
    // The boundary grants nothing by itself.
    await iam.send(new CreateUserCommand({ UserName: 'erin', PermissionsBoundary: readOnlyBoundary }));
    await expectAwsError(
      (await clientOf('erin')).send(new ListUsersCommand({})),
      'AccessDenied',
      403,
      /because no identity-based policy allows the iam:ListUsers action/,
    );

    expect(
      (await iam.send(new GetUserCommand({ UserName: 'dana' }))).User!.PermissionsBoundary!.PermissionsBoundaryArn,
    ).toBe(readOnlyBoundary);
    expect(
      (await iam.send(new GetPolicyCommand({ PolicyArn: readOnlyBoundary }))).Policy!.PermissionsBoundaryUsageCount,
    ).toBe(2);
    const details = await iam.send(new GetAccountAuthorizationDetailsCommand({ Filter: ['User'] }));
    expect(details.UserDetailList!.find((u) => u.UserName === 'dana')!.PermissionsBoundary).toEqual({
      PermissionsBoundaryType: 'PermissionsBoundaryPolicy',
      PermissionsBoundaryArn: readOnlyBoundary,
    });
    await expectAwsError(
      iam.send(new DeletePolicyCommand({ PolicyArn: readOnlyBoundary })),
      'DeleteConflict',
      409,
      'Cannot delete a policy attached to entities.',
    );

    const simulated = await iam.send(
      new SimulatePrincipalPolicyCommand({
        PolicySourceArn: `arn:aws:iam::${accountId}:user/dana`,
        ActionNames: ['iam:ListUsers', 'iam:CreateUser'],
      }),
    );
    expect(
      simulated.EvaluationResults!.map((r) => [
        r.EvalActionName,
        r.EvalDecision,
        r.PermissionsBoundaryDecisionDetail?.AllowedByPermissionsBoundary,
      ]),
    ).toEqual([
      ['iam:ListUsers', 'allowed', true],
      ['iam:CreateUser', 'implicitDeny', false],
    ]);

    // Administrators see it on the user's console page.
    const root = new Browser(t.app);
    expect(
      (await root.post('/signin/root/password', { email: account.email, password: ROOT_PASSWORD })).statusCode,
    ).toBe(303);
    expect((await root.get('/console/users/dana')).body).toContain(
      `<dt>Permissions boundary</dt><dd>${readOnlyBoundary}</dd>`,
    );

    await iam.send(new DeleteUserPermissionsBoundaryCommand({ UserName: 'dana' }));
    expect((await iam.send(new GetUserCommand({ UserName: 'dana' }))).User!.PermissionsBoundary).toBeUndefined();
    await dana.send(new CreateUserCommand({ UserName: 'made-by-dana' }));
    const events = (await listAuditEvents(t.deps.db, { accountId, limit: 50 })).map((e) => e.eventName);
    expect(events).toContain('DeleteUserPermissionsBoundary');
  });

  it('lets a Deny in the boundary win, and refuses a boundary that is no managed policy', async () => {
    const denyDelete = (
      await iam.send(
        new CreatePolicyCommand({
          PolicyName: 'NoDeletes',
          PolicyDocument: doc(
            { Effect: 'Allow', Action: '*', Resource: '*' },
            { Effect: 'Deny', Action: 'iam:DeleteUser', Resource: '*' },
          ),
        }),
      )
    ).Policy!.Arn!;
    await iam.send(new CreateUserCommand({ UserName: 'fay' }));
    await iam.send(new AttachUserPolicyCommand({ UserName: 'fay', PolicyArn: ADMIN }));
    await iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'fay', PermissionsBoundary: denyDelete }));
    await iam.send(new CreateUserCommand({ UserName: 'target' }));
    await expectAwsError(
      (await clientOf('fay')).send(new DeleteUserCommand({ UserName: 'target' })),
      'AccessDenied',
      403,
      /with an explicit deny in a permissions boundary$/,
    );

    const missing = `arn:aws:iam::${accountId}:policy/NoSuchPolicy`;
    await expectAwsError(
      iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'fay', PermissionsBoundary: missing })),
      'NoSuchEntity',
      404,
      `Policy ${missing} does not exist or is not attachable.`,
    );
    await expectAwsError(
      iam.send(new CreateUserCommand({ UserName: 'ghost', PermissionsBoundary: missing })),
      'NoSuchEntity',
      404,
    );
    await expectAwsError(iam.send(new GetUserCommand({ UserName: 'ghost' })), 'NoSuchEntity', 404);
    await expectAwsError(
      iam.send(new PutUserPermissionsBoundaryCommand({ UserName: 'nobody', PermissionsBoundary: denyDelete })),
      'NoSuchEntity',
      404,
    );
  });

  it('lets an administrator create users only under a given boundary (iam:PermissionsBoundary)', async () => {
    await iam.send(new CreateUserCommand({ UserName: 'delegate' }));
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'delegate',
        PolicyName: 'CreateBoundedUsersOnly',
        PolicyDocument: doc(
          {
            Effect: 'Allow',
            Action: ['iam:CreateUser', 'iam:PutUserPermissionsBoundary'],
            Resource: '*',
            Condition: { StringEquals: { 'iam:PermissionsBoundary': readOnlyBoundary } },
          },
          { Effect: 'Allow', Action: 'iam:GetUser', Resource: '*' },
        ),
      }),
    );
    const delegate = await clientOf('delegate');
    await expectAwsError(delegate.send(new CreateUserCommand({ UserName: 'unbounded' })), 'AccessDenied', 403);
    const made = await delegate.send(
      new CreateUserCommand({ UserName: 'bounded', PermissionsBoundary: readOnlyBoundary }),
    );
    expect(made.User!.PermissionsBoundary!.PermissionsBoundaryArn).toBe(readOnlyBoundary);
    await expectAwsError(
      delegate.send(new PutUserPermissionsBoundaryCommand({ UserName: 'bounded', PermissionsBoundary: ADMIN })),
      'AccessDenied',
      403,
    );
  });
});
