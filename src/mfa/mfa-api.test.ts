import {
  CreateVirtualMFADeviceCommand,
  DeactivateMFADeviceCommand,
  DeleteVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  GetMFADeviceCommand,
  GetUserCommand,
  type IAMClient,
  ListMFADevicesCommand,
  ListUsersCommand,
  ListVirtualMFADevicesCommand,
  PutUserPolicyCommand,
  ResyncMFADeviceCommand,
} from '@aws-sdk/client-iam';
import { GetSessionTokenCommand } from '@aws-sdk/client-sts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClients, type AwsCredentials, expectAwsError, keyFor } from '../../test/support/aws-clients.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { listen } from '../../test/support/listen.ts';
import { findSessionCredential } from '../sts/session-credential.repository.ts';
import { INVALID_MFA_CODE, UNKNOWN_MFA_SERIAL } from './mfa-sts.service.ts';
import { codeAt, stepAt } from './totp.ts';

describe.each(DIALECTS)('MFA Actions through the AWS SDK on %s', (dialect) => {
  let t: TestContext;
  let endpoint: string;
  let account: Awaited<ReturnType<typeof makeAccount>>;
  let iam: IAMClient;

  beforeAll(async () => {
    t = await createTestContext(dialect);
    t.clock.set(new Date(Math.floor(Date.now() / 30_000) * 30_000));
    endpoint = await listen(t.app);
    account = await makeAccount(t.deps);
    const rootKey = await keyFor(t, { accountId: account.id, principalId: account.id, userName: null });
    ({ iam } = awsClients(t, endpoint, rootKey));
  });
  afterAll(() => t.close());

  const now = () => stepAt(t.clock.now());

  async function createDevice(name: string, path?: string) {
    const created = await iam.send(
      new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: name, ...(path ? { Path: path } : {}) }),
    );
    const device = created.VirtualMFADevice!;
    return {
      serial: device.SerialNumber!,
      seed: Buffer.from(device.Base32StringSeed!).toString('ascii'),
      png: Buffer.from(device.QRCodePNG!),
    };
  }

  it('creates a virtual device once, with its seed and QR code, and lists it as unassigned', async () => {
    const { serial, seed, png } = await createDevice('ops-phone', '/team/');
    expect(serial).toBe(`arn:aws:iam::${account.id}:mfa/team/ops-phone`);
    expect(seed).toMatch(/^[A-Z2-7]{32}$/);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    await expectAwsError(
      iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: 'ops-phone', Path: '/team/' })),
      'EntityAlreadyExists',
      409,
      'MFA device already exists.',
    );
    const unassigned = await iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Unassigned' }));
    expect(unassigned.VirtualMFADevices).toEqual([{ SerialNumber: serial }]);
    await iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serial }));
    await expectAwsError(
      iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serial })),
      'NoSuchEntity',
      404,
      `MFA Device with serial number ${serial} does not exist.`,
    );
  });

  it('enables, lists, gets, resyncs, deactivates and deletes a user’s device', async () => {
    const user = await makeUser(t.deps, account.id, 'erin');
    const { serial, seed } = await createDevice('erin-phone');
    await expectAwsError(
      iam.send(
        new EnableMFADeviceCommand({
          UserName: 'erin',
          SerialNumber: serial,
          AuthenticationCode1: codeAt(seed, now()),
          AuthenticationCode2: codeAt(seed, now() - 1),
        }),
      ),
      'InvalidAuthenticationCode',
      403,
    );
    await expectAwsError(
      iam.send(
        new EnableMFADeviceCommand({
          UserName: 'nobody',
          SerialNumber: serial,
          AuthenticationCode1: '123456',
          AuthenticationCode2: '234567',
        }),
      ),
      'NoSuchEntity',
      404,
      'The user with name nobody cannot be found.',
    );
    await iam.send(
      new EnableMFADeviceCommand({
        UserName: 'erin',
        SerialNumber: serial,
        AuthenticationCode1: codeAt(seed, now() - 1),
        AuthenticationCode2: codeAt(seed, now()),
      }),
    );

    const listed = await iam.send(new ListMFADevicesCommand({ UserName: 'erin' }));
    expect(listed.MFADevices).toEqual([{ UserName: 'erin', SerialNumber: serial, EnableDate: t.clock.now() }]);
    expect(listed.IsTruncated).toBe(false);
    const assigned = await iam.send(new ListVirtualMFADevicesCommand({ AssignmentStatus: 'Assigned' }));
    expect(assigned.VirtualMFADevices).toHaveLength(1);
    expect(assigned.VirtualMFADevices![0]).toMatchObject({
      SerialNumber: serial,
      User: { UserName: 'erin', UserId: user.id },
    });
    const got = await iam.send(new GetMFADeviceCommand({ UserName: 'erin', SerialNumber: serial }));
    expect(got).toMatchObject({ UserName: 'erin', SerialNumber: serial });

    await iam.send(
      new ResyncMFADeviceCommand({
        UserName: 'erin',
        SerialNumber: serial,
        AuthenticationCode1: codeAt(seed, now() + 4),
        AuthenticationCode2: codeAt(seed, now() + 5),
      }),
    );
    await expectAwsError(
      iam.send(
        new ResyncMFADeviceCommand({
          UserName: 'erin',
          SerialNumber: serial,
          AuthenticationCode1: '000000',
          AuthenticationCode2: '000001',
        }),
      ),
      'InvalidAuthenticationCode',
      403,
    );

    await expectAwsError(iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serial })), 'DeleteConflict', 409);
    await iam.send(new DeactivateMFADeviceCommand({ UserName: 'erin', SerialNumber: serial }));
    expect((await iam.send(new ListMFADevicesCommand({ UserName: 'erin' }))).MFADevices).toEqual([]);
    await expectAwsError(
      iam.send(new DeactivateMFADeviceCommand({ UserName: 'erin', SerialNumber: serial })),
      'NoSuchEntity',
      404,
      `MFA Device with serial number ${serial} does not exist.`,
    );
    expect((await iam.send(new ListVirtualMFADevicesCommand({}))).VirtualMFADevices).toEqual([
      { SerialNumber: serial },
    ]);
    await iam.send(new DeleteVirtualMFADeviceCommand({ SerialNumber: serial }));
  });

  it('GetSessionToken with SerialNumber and TokenCode issues MFA-authenticated credentials', async () => {
    const user = await makeUser(t.deps, account.id, 'frank', { isAdmin: true });
    const frankKey = await keyFor(t, { accountId: account.id, principalId: user.id, userName: 'frank' });
    const frank = awsClients(t, endpoint, frankKey);
    const { serial, seed } = await createDevice('frank-phone');
    await iam.send(
      new EnableMFADeviceCommand({
        UserName: 'frank',
        SerialNumber: serial,
        AuthenticationCode1: codeAt(seed, now() - 1),
        AuthenticationCode2: codeAt(seed, now()),
      }),
    );

    await expectAwsError(
      frank.sts.send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: codeAt(seed, now() + 5) })),
      'AccessDenied',
      403,
      INVALID_MFA_CODE,
    );
    await expectAwsError(
      frank.sts.send(
        new GetSessionTokenCommand({ SerialNumber: `arn:aws:iam::${account.id}:mfa/nope`, TokenCode: '123456' }),
      ),
      'AccessDenied',
      403,
      UNKNOWN_MFA_SERIAL,
    );

    // Without MFA, temporary credentials cannot call IAM.
    const plain = (await frank.sts.send(new GetSessionTokenCommand({}))).Credentials!;
    const plainClients = awsClients(t, endpoint, {
      accessKeyId: plain.AccessKeyId!,
      secretAccessKey: plain.SecretAccessKey!,
      sessionToken: plain.SessionToken!,
    });
    await expectAwsError(plainClients.iam.send(new GetUserCommand({})), 'InvalidClientTokenId', 403);

    t.clock.advance(30_000);
    const withMfa = (
      await frank.sts.send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: codeAt(seed, now()) }))
    ).Credentials!;
    const stored = await findSessionCredential(t.deps.db, withMfa.AccessKeyId!);
    expect(stored?.mfaAt).toBe(t.clock.now().toISOString());
    const credentials: AwsCredentials = {
      accessKeyId: withMfa.AccessKeyId!,
      secretAccessKey: withMfa.SecretAccessKey!,
      sessionToken: withMfa.SessionToken!,
    };
    const mfaClients = awsClients(t, endpoint, credentials);
    const me = await mfaClients.iam.send(new GetUserCommand({}));
    expect(me.User?.UserName).toBe('frank');
    // The same code cannot be used twice.
    await expectAwsError(
      frank.sts.send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: codeAt(seed, now()) })),
      'AccessDenied',
      403,
      INVALID_MFA_CODE,
    );
  });

  it('MFA-authenticated credentials satisfy a policy that requires MFA; long-term keys do not', async () => {
    const user = await makeUser(t.deps, account.id, 'grace');
    const graceKey = await keyFor(t, { accountId: account.id, principalId: user.id, userName: 'grace' });
    const grace = awsClients(t, endpoint, graceKey);
    await iam.send(
      new PutUserPolicyCommand({
        UserName: 'grace',
        PolicyName: 'list-users-with-mfa',
        PolicyDocument: JSON.stringify({
          Version: '2012-10-17',
          Statement: [
            {
              Effect: 'Allow',
              Action: 'iam:ListUsers',
              Resource: '*',
              Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
            },
            {
              Effect: 'Deny',
              Action: 'iam:ListUsers',
              Resource: '*',
              Condition: { NumericGreaterThan: { 'aws:MultiFactorAuthAge': '3600' } },
            },
          ],
        }),
      }),
    );
    const { serial, seed } = await createDevice('grace-phone');
    await iam.send(
      new EnableMFADeviceCommand({
        UserName: 'grace',
        SerialNumber: serial,
        AuthenticationCode1: codeAt(seed, now() - 1),
        AuthenticationCode2: codeAt(seed, now()),
      }),
    );

    await expectAwsError(
      grace.iam.send(new ListUsersCommand({})),
      'AccessDenied',
      403,
      /iam:ListUsers on resource: \* because no identity-based policy allows/,
    );

    t.clock.advance(30_000);
    const issued = (
      await grace.sts.send(new GetSessionTokenCommand({ SerialNumber: serial, TokenCode: codeAt(seed, now()) }))
    ).Credentials!;
    const withMfa = awsClients(t, endpoint, {
      accessKeyId: issued.AccessKeyId!,
      secretAccessKey: issued.SecretAccessKey!,
      sessionToken: issued.SessionToken!,
    });
    expect((await withMfa.iam.send(new ListUsersCommand({}))).Users!.map((u) => u.UserName)).toContain('grace');

    // An hour later the MFA is too old for this policy's Deny.
    t.clock.advance(3601_000);
    const later = awsClients(t, endpoint, {
      accessKeyId: issued.AccessKeyId!,
      secretAccessKey: issued.SecretAccessKey!,
      sessionToken: issued.SessionToken!,
    });
    await expectAwsError(later.iam.send(new ListUsersCommand({})), 'AccessDenied', 403, /with an explicit deny/);
  });
});
