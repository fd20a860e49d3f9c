import { invalid } from '../shared/errors.ts';
import { isAccountId, normaliseAccountRef } from '../shared/validation.ts';
import { checkTrustPolicy } from './trust-policy.ts';

/**
 * The create-role wizard's trust step, as the AWS console offers it: this account, another
 * account (with an optional ExternalId), either with MFA required, or a trust policy written
 * by hand. The choice becomes the trust policy CreateRole is given; CreateRole checks it again.
 */

export type TrustKind = 'this-account' | 'other-account' | 'custom';

export interface TrustChoice {
  kind: TrustKind;
  /** The other account's 12-digit ID (other-account). */
  otherAccount: string;
  /** Required of whoever assumes the role, when not empty (other-account). */
  externalId: string;
  requireMfa: boolean;
  /** The trust policy as written (custom). */
  document: string;
}

/** What the hand-written trust policy starts from, as in the AWS console. */
export const CUSTOM_TRUST_TEMPLATE = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Effect": "Allow",
      "Principal": {
        "AWS": "arn:aws:iam::ACCOUNT-ID:root"
      },
      "Action": "sts:AssumeRole",
      "Condition": {}
    }
  ]
}`;

/** sts:ExternalId as AssumeRole takes it: 2 to 1,224 of letters, digits and + = , . @ : / - _ */
const EXTERNAL_ID = /^[\w+=,.@:/-]{2,1224}$/;

/** Reads and checks the trust step's fields; ValidationError (or MalformedPolicyDocument) naming the field otherwise. */
export function readTrustChoice(fields: {
  trustKind: string;
  otherAccount: string;
  externalId: string;
  requireMfa: string;
  trustPolicy: string;
}): TrustChoice {
  const kind = fields.trustKind;
  if (kind !== 'this-account' && kind !== 'other-account' && kind !== 'custom')
    throw invalid('trustKind', 'Choose who may assume the role.');
  const choice: TrustChoice = {
    kind,
    otherAccount: normaliseAccountRef(fields.otherAccount),
    externalId: fields.externalId.trim(),
    requireMfa: fields.requireMfa === 'on',
    document: fields.trustPolicy,
  };
  if (kind === 'other-account') {
    if (!isAccountId(choice.otherAccount))
      throw invalid('otherAccount', 'Enter the 12-digit ID of the account whose principals may assume the role.');
    if (choice.externalId && !EXTERNAL_ID.test(choice.externalId))
      throw invalid(
        'externalId',
        'The external ID must be 2 to 1,224 characters of letters, digits and + = , . @ : / - _ (no spaces).',
      );
  }
  // As CreateRole checks it, but for whether the principals it names exist: CreateRole says that.
  if (kind === 'custom') checkTrustPolicy('trustPolicy', choice.document);
  return choice;
}

/** The trust policy a choice makes, as the AWS console writes it. */
export function trustPolicyOf(choice: TrustChoice, thisAccountId: string): string {
  if (choice.kind === 'custom') return choice.document;
  const account = choice.kind === 'this-account' ? thisAccountId : choice.otherAccount;
  const condition: Record<string, Record<string, string>> = {};
  if (choice.kind === 'other-account' && choice.externalId)
    condition.StringEquals = { 'sts:ExternalId': choice.externalId };
  if (choice.requireMfa) condition.Bool = { 'aws:MultiFactorAuthPresent': 'true' };
  const statement = {
    Effect: 'Allow',
    Principal: { AWS: `arn:aws:iam::${account}:root` },
    Action: 'sts:AssumeRole',
    ...(Object.keys(condition).length > 0 ? { Condition: condition } : {}),
  };
  return JSON.stringify({ Version: '2012-10-17', Statement: [statement] }, null, 2);
}

/** The wizard carries its chosen policies from page to page as one field: ARNs separated by spaces. */
export function policyArnsOf(field: string): string[] {
  return [...new Set(field.split(/\s+/).filter((arn) => arn.startsWith('arn:')))];
}
