import { GatehouseError } from '../shared/errors.ts';

/**
 * AWS managed policies that matter for credentials, with the ARNs, IDs, versions and
 * documents AWS publishes for them, so that policies written for AWS (and attachments
 * such as `aws iam attach-user-policy --policy-arn arn:aws:iam::aws:policy/IAMReadOnlyAccess`)
 * mean the same here. They belong to no account, cannot be changed or deleted, and can be
 * attached in every account. The documents are AWS's default versions, in AWS's layout.
 */
export interface AwsManagedPolicy {
  name: string;
  arn: string;
  path: '/';
  /** AWS's policy ID (ANPA…). */
  policyId: string;
  description: string;
  defaultVersionId: string;
  createDate: string;
  /** When the default version was made. */
  updateDate: string;
  document: string;
}

export const AWS_MANAGED_ARN_PREFIX = 'arn:aws:iam::aws:policy/';

const administratorAccess = `{
  "Version" : "2012-10-17",
  "Statement" : [
    {
      "Effect" : "Allow",
      "Action" : "*",
      "Resource" : "*"
    }
  ]
}`;

const iamFullAccess = `{
  "Version" : "2012-10-17",
  "Statement" : [
    {
      "Effect" : "Allow",
      "Action" : [
        "iam:*",
        "organizations:DescribeAccount",
        "organizations:DescribeOrganization",
        "organizations:DescribeOrganizationalUnit",
        "organizations:DescribePolicy",
        "organizations:ListChildren",
        "organizations:ListParents",
        "organizations:ListPoliciesForTarget",
        "organizations:ListRoots",
        "organizations:ListPolicies",
        "organizations:ListTargetsForPolicy"
      ],
      "Resource" : "*"
    }
  ]
}`;

const iamReadOnlyAccess = `{
  "Version" : "2012-10-17",
  "Statement" : [
    {
      "Effect" : "Allow",
      "Action" : [
        "iam:GenerateCredentialReport",
        "iam:GenerateServiceLastAccessedDetails",
        "iam:Get*",
        "iam:List*",
        "iam:SimulateCustomPolicy",
        "iam:SimulatePrincipalPolicy"
      ],
      "Resource" : "*"
    }
  ]
}`;

const iamUserChangePassword = `{
  "Version" : "2012-10-17",
  "Statement" : [
    {
      "Effect" : "Allow",
      "Action" : [
        "iam:ChangePassword"
      ],
      "Resource" : [
        "arn:aws:iam::*:user/\${aws:username}",
        "arn:aws:iam::*:user/*/\${aws:username}"
      ]
    },
    {
      "Effect" : "Allow",
      "Action" : [
        "iam:GetAccountPasswordPolicy"
      ],
      "Resource" : "*"
    }
  ]
}`;

export const AWS_MANAGED_POLICIES: readonly AwsManagedPolicy[] = Object.freeze([
  {
    name: 'AdministratorAccess',
    arn: `${AWS_MANAGED_ARN_PREFIX}AdministratorAccess`,
    path: '/',
    policyId: 'ANPAIWMBCKSKIEE64ZLYK',
    description: 'Provides full access to AWS services and resources.',
    defaultVersionId: 'v1',
    createDate: '2015-02-06T18:39:46Z',
    updateDate: '2015-02-06T18:39:46Z',
    document: administratorAccess,
  },
  {
    name: 'IAMFullAccess',
    arn: `${AWS_MANAGED_ARN_PREFIX}IAMFullAccess`,
    path: '/',
    policyId: 'ANPAI7XKCFMBPM3QQRRVQ',
    description: 'Provides full access to IAM via the AWS Management Console.',
    defaultVersionId: 'v2',
    createDate: '2015-02-06T18:40:38Z',
    updateDate: '2019-06-21T19:40:00Z',
    document: iamFullAccess,
  },
  {
    name: 'IAMReadOnlyAccess',
    arn: `${AWS_MANAGED_ARN_PREFIX}IAMReadOnlyAccess`,
    path: '/',
    policyId: 'ANPAJKSO7NDY4T57MWDSQ',
    description: 'Provides read only access to IAM via the AWS Management Console.',
    defaultVersionId: 'v4',
    createDate: '2015-02-06T18:40:39Z',
    updateDate: '2018-01-25T19:11:27Z',
    document: iamReadOnlyAccess,
  },
  {
    name: 'IAMUserChangePassword',
    arn: `${AWS_MANAGED_ARN_PREFIX}IAMUserChangePassword`,
    path: '/',
    policyId: 'ANPAJ4L4MM2A7QIEB56MS',
    description: 'Provides the ability for an IAM user to change their own password.',
    defaultVersionId: 'v3',
    createDate: '2016-11-15T00:25:16Z',
    // AWS publishes this version's time to the minute.
    updateDate: '2025-05-29T21:52:00Z',
    document: iamUserChangePassword,
  },
]);

const BY_ARN = new Map(AWS_MANAGED_POLICIES.map((p) => [p.arn, p]));

export function findAwsManagedPolicy(arn: string): AwsManagedPolicy | null {
  return BY_ARN.get(arn) ?? null;
}

/** The answer to any attempt to change an AWS managed policy. */
export function unchangeableAwsPolicy(arn: string): GatehouseError {
  return new GatehouseError('AccessDenied', `Policy ${arn} is an AWS managed policy and cannot be changed.`, {
    field: 'policyArn',
  });
}

export function isAwsManagedArn(arn: string): boolean {
  return arn.startsWith(AWS_MANAGED_ARN_PREFIX);
}

/** The key compiled AWS managed policies are cached under; changes with the version. */
export function awsManagedCacheKey(policy: AwsManagedPolicy): string {
  return `aws-managed:${policy.name}:${policy.defaultVersionId}`;
}
