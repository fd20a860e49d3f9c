/**
 * The words IAM answers a refused policy document with. They are AWS's, character for
 * character (recorded from IAM's CreatePolicy, PutUserPolicy, CreateRole and
 * UpdateAssumeRolePolicy), because scripts and people search for them: the README's
 * compatibility section says where each one comes from.
 */
export const POLICY_MESSAGES = {
  syntax: 'Syntax errors in policy.',
  version: 'Policy document must be version 2012-10-17 or greater.',
  legacy: 'The policy failed legacy parsing',
  principal: 'Policy document should not specify a principal.',
  sidAlphanumeric:
    'Statement IDs (SID) must be alpha-numeric. Check that your input satisfies the regular expression [0-9A-Za-z]*',
  sidUnique: 'Statement IDs (SID) in a single policy must be unique.',
  noActions: 'Policy statement must contain actions.',
  noResources: 'Policy statement must contain resources.',
  noVendor: 'Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.',
  oneColon: 'Actions/Condition can contain only one colon.',
  vendor: (vendor: string) => `Vendor ${vendor} is not valid`,
  notArn: (resource: string) => `Resource ${resource} must be in ARN format or "*".`,
  partition: (partition: string, shown: string) => `Partition "${partition}" is not valid for resource "${shown}".`,
  vendorQualified: 'Resource vendor must be fully qualified and cannot contain regexes.',
  s3Region: (resource: string) => `Resource ${resource} can not contain region information.`,
  iamRegion: (resource: string) => `IAM resource ${resource} cannot contain region information.`,
  iamPath: (prefixes: readonly string[]) =>
    `IAM resource path must either be "*", root, or start with ${prefixes.join(', ')}.`,
  // Trust policies (a role's AssumeRolePolicyDocument) answer some problems differently.
  trustJson: 'This policy contains invalid Json',
  trustResource: 'Has prohibited field Resource',
  trustActions: 'AssumeRole policy may only specify STS AssumeRole actions.',
  trustNoPrincipal:
    'Invalid principal in policy: com.amazon.balsa.error.InvalidPolicyException: The passed in policy has a statement with no principals!',
  trustConditionType: (operator: string) => `Invalid Condition type : ${operator}`,
  /**
   * A principal IAM cannot read, or one that does not exist. Recorded for `AWS` and `Service`
   * (IAM writes the latter `SERVICE`); not recorded for the other types, which are written
   * the same way (`FEDERATED`, `CANONICAL_USER`, an unknown type in capitals).
   */
  trustPrincipal: (type: string, value: string) => `Invalid principal in policy: "${principalLabel(type)}":"${value}"`,
} as const;

function principalLabel(type: string): string {
  if (type === 'AWS') return 'AWS';
  if (type === 'CanonicalUser') return 'CANONICAL_USER';
  return type.toUpperCase();
}
