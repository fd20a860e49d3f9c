import {
  CreateGroupCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  DeletePolicyVersionCommand,
  type IAMClient,
  ListPolicyVersionsCommand,
  PutGroupPolicyCommand,
  PutUserPolicyCommand,
} from '@aws-sdk/client-iam';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { awsClients, expectAwsError, keyFor } from '../../test/support/aws-clients.ts';
import { DIALECTS } from '../../test/support/databases.ts';
import { makeAccount, makeUser } from '../../test/support/fixtures.ts';
import { createTestContext, type TestContext } from '../../test/support/harness.ts';
import { listen } from '../../test/support/listen.ts';

const statement = { Effect: 'Allow', Action: 's3:ListBucket', Resource: 'arn:aws:s3:::reports' };
const doc = (s: object = statement, top: object = { Version: '2012-10-17' }) =>
  JSON.stringify({ ...top, Statement: s });

/**
 * Regression: documents were accepted that IAM refuses, refused that IAM accepts, and
 * refused in Gatehouse's own words. Every write path answers as IAM does.
 */
describe.each(DIALECTS)(
  'policy documents are accepted and refused as IAM does, through the AWS SDK on %s',
  (dialect) => {
    let t: TestContext;
    let iam: IAMClient;
    let policyArn: string;

    beforeAll(async () => {
      t = await createTestContext(dialect);
      t.clock.set(new Date(Math.floor(Date.now() / 1000) * 1000));
      const endpoint = await listen(t.app);
      const accountId = (await makeAccount(t.deps)).id;
      ({ iam } = awsClients(t, endpoint, await keyFor(t, { accountId, principalId: accountId, userName: null })));
      await makeUser(t.deps, accountId, 'alice', { password: null });
      await iam.send(new CreateGroupCommand({ GroupName: 'Readers' }));
      policyArn = (await iam.send(new CreatePolicyCommand({ PolicyName: 'Base', PolicyDocument: doc() }))).Policy!.Arn!;
    });
    afterAll(() => t.close());

    const refused: Array<[string, string, string]> = [
      ['a document without Version', doc(statement, {}), 'Policy document must be version 2012-10-17 or greater.'],
      [
        'Version 2008-10-17',
        doc(statement, { Version: '2008-10-17' }),
        'Policy document must be version 2012-10-17 or greater.',
      ],
      [
        'an action with two colons',
        doc({ ...statement, Action: 's3:List:Bucket' }),
        'Actions/Condition can contain only one colon.',
      ],
      [
        'an unknown partition',
        doc({ ...statement, Resource: 'arn:error:s3:::reports' }),
        'Partition "error" is not valid for resource "arn:error:s3:::reports".',
      ],
      [
        'an ARN with no service',
        doc({ ...statement, Resource: 'arn:aws' }),
        'Resource vendor must be fully qualified and cannot contain regexes.',
      ],
      [
        'an S3 ARN missing a field',
        doc({ ...statement, Resource: 'arn:aws:s3::reports' }),
        'The policy failed legacy parsing',
      ],
      [
        'a region in an S3 ARN',
        doc({ ...statement, Resource: 'arn:aws:s3:us-east-1::reports' }),
        'Resource arn:aws:s3:us-east-1::reports can not contain region information.',
      ],
      [
        'a region in an IAM ARN',
        doc({ ...statement, Resource: 'arn:aws:iam:us-east-1::user/alice' }),
        'IAM resource arn:aws:iam:us-east-1::user/alice cannot contain region information.',
      ],
      ['an unknown statement element', doc({ ...statement, Actions: 's3:ListBucket' }), 'Syntax errors in policy.'],
      [
        'a principal',
        doc({ ...statement, Principal: { AWS: '*' } }),
        'Policy document should not specify a principal.',
      ],
    ];

    it.each(refused)(
      'refuses %s with IAM’s message on CreatePolicy, CreatePolicyVersion, PutUserPolicy and PutGroupPolicy',
      async (_name, document, message) => {
        await expectAwsError(
          iam.send(
            new PutGroupPolicyCommand({ GroupName: 'Readers', PolicyName: 'Refused', PolicyDocument: document }),
          ),
          'MalformedPolicyDocument',
          400,
          message,
        );
        await expectAwsError(
          iam.send(new CreatePolicyCommand({ PolicyName: 'Refused', PolicyDocument: document })),
          'MalformedPolicyDocument',
          400,
          message,
        );
        await expectAwsError(
          iam.send(new CreatePolicyVersionCommand({ PolicyArn: policyArn, PolicyDocument: document })),
          'MalformedPolicyDocument',
          400,
          message,
        );
        await expectAwsError(
          iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'Refused', PolicyDocument: document })),
          'MalformedPolicyDocument',
          400,
          message,
        );
      },
    );

    const accepted: Array<[string, string]> = [
      ['a condition key without a service prefix', doc({ ...statement, Condition: { StringEquals: { team: 'ops' } } })],
      ['an operator IAM does not know, testing nothing', doc({ ...statement, Condition: { StringEqualz: {} } })],
      ['an unusual action name', doc({ ...statement, Action: 'iam: Get User ' })],
      ['Null with IfExists', doc({ ...statement, Condition: { NullIfExists: { 'aws:username': 'true' } } })],
      [
        'a number that is not one',
        doc({ ...statement, Condition: { NumericLessThan: { 'aws:MultiFactorAuthAge': 'soon' } } }),
      ],
    ];

    it.each(accepted)('accepts %s', async (_name, document) => {
      await iam.send(new PutUserPolicyCommand({ UserName: 'alice', PolicyName: 'Accepted', PolicyDocument: document }));
      await iam.send(
        new PutGroupPolicyCommand({ GroupName: 'Readers', PolicyName: 'Accepted', PolicyDocument: document }),
      );
      await iam.send(new CreatePolicyVersionCommand({ PolicyArn: policyArn, PolicyDocument: document }));
      await iam.send(
        new DeletePolicyVersionCommand({
          PolicyArn: policyArn,
          VersionId: (await iam.send(new ListPolicyVersionsCommand({ PolicyArn: policyArn }))).Versions![0]!.VersionId!,
        }),
      );
    });
  },
);
