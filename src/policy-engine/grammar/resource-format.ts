import { POLICY_MESSAGES } from './messages.ts';

/**
 * What IAM checks in a Resource or NotResource string: that it is `*` or an ARN in a known
 * partition, that IAM and S3 ARNs carry no region (S3's regional resource types aside),
 * and that an IAM ARN names one of IAM's resource types. Nothing else: the service, the
 * account and the rest may be anything, wildcards and policy variables included.
 */

/** AWS's partitions; `*` stands for any of them. */
export const PARTITIONS = [
  'aws',
  'aws-cn',
  'aws-us-gov',
  'aws-iso',
  'aws-iso-b',
  'aws-iso-e',
  'aws-iso-f',
  'aws-eusc',
] as const;

/** What an IAM ARN's resource part may start with, in the order IAM's message lists them. */
export const IAM_RESOURCE_PREFIXES = [
  'user/',
  'federated-user/',
  'role/',
  'group/',
  'instance-profile/',
  'mfa/',
  'server-certificate/',
  'policy/',
  'sms-mfa/',
  'saml-provider/',
  'oidc-provider/',
  'report/',
  'access-report/',
] as const;

/** S3 resource types whose ARNs carry a region (the Service Authorization Reference's list). */
const S3_REGIONAL_PREFIXES = [
  'accesspoint/',
  'access-grants/',
  'job/',
  'storage-lens/',
  'storage-lens-group/',
  'async-request/',
];

/** Splits at the first `:`, as IAM reads ARNs field by field: [before, after] or null without one. */
function cut(text: string): [string, string] | null {
  const colon = text.indexOf(':');
  return colon < 0 ? null : [text.slice(0, colon), text.slice(colon + 1)];
}

/** How IAM shows a resource in an unknown partition: its fields after the partition, `*` for each missing one. */
function shownWithPartition(partition: string, rest: string | null): string {
  const fields = rest ? rest.split(':') : [];
  const field = (i: number) => fields[i] ?? '*';
  const service = field(0);
  const resource = fields.length > 3 ? fields.slice(3).join(':') : '*';
  return `arn:${partition}:${service}:${field(1)}:${field(2)}:${resource}`;
}

/** The message for a resource IAM refuses to read, or null when its format is fine. */
export function resourceFormatProblem(resource: string): string | null {
  if (resource === '*') return null;
  const afterScheme = cut(resource);
  if (!afterScheme) return POLICY_MESSAGES.notArn(resource);
  const afterPartition = cut(afterScheme[1]);
  const partition = afterPartition ? afterPartition[0] : afterScheme[1];
  if (partition !== '*' && !(PARTITIONS as readonly string[]).includes(partition)) {
    return POLICY_MESSAGES.partition(
      partition,
      shownWithPartition(partition, afterPartition ? afterPartition[1] : null),
    );
  }
  if (!afterPartition) return POLICY_MESSAGES.vendorQualified;
  const afterService = cut(afterPartition[1]);
  const service = afterService ? afterService[0] : afterPartition[1];
  const regionAndRest = afterService ? afterService[1] : '';
  const afterRegion = cut(regionAndRest);
  const afterAccount = afterRegion ? cut(afterRegion[1]) : null;
  const resourcePart = afterAccount ? afterAccount[1] : '';
  const hasRegion = !regionAndRest.startsWith(':');
  if (service === 'iam' && hasRegion) return POLICY_MESSAGES.iamRegion(resource);
  if (service === 's3' && hasRegion && !S3_REGIONAL_PREFIXES.some((p) => resourcePart.startsWith(p)))
    return POLICY_MESSAGES.s3Region(resource);
  if (
    service === 'iam' &&
    resourcePart !== '*' &&
    resourcePart !== 'root' &&
    !IAM_RESOURCE_PREFIXES.some((p) => resourcePart.startsWith(p))
  ) {
    return POLICY_MESSAGES.iamPath(IAM_RESOURCE_PREFIXES);
  }
  return null;
}

/**
 * IAM's older ARN reader, which still runs on every document: an ARN with an empty field
 * (`::`) needs all six fields, and the service field may not be empty.
 */
export function readsAsLegacyArn(resource: string): boolean {
  if (resource === '*') return true;
  const colons = resource.split(':').length - 1;
  if (colons < 5 && resource.includes('::')) return false;
  const service = resource.split(':')[2];
  return service !== '';
}
