import type { Db } from '../db/database.ts';

export type PolicyHolderType = 'user' | 'group' | 'role';

export interface AttachmentRecord {
  accountId: string;
  principalType: PolicyHolderType;
  principalId: string;
  policyArn: string;
  attachedAt: string;
}

function toAttachment(row: {
  account_id: string;
  principal_type: string;
  principal_id: string;
  policy_arn: string;
  attached_at: string;
}): AttachmentRecord {
  return {
    accountId: row.account_id,
    principalType: row.principal_type as PolicyHolderType,
    principalId: row.principal_id,
    policyArn: row.policy_arn,
    attachedAt: row.attached_at,
  };
}

/** False when the policy was attached already (attaching again changes nothing, as in AWS). */
export async function insertAttachment(db: Db, attachment: AttachmentRecord): Promise<boolean> {
  const existing = await db
    .selectFrom('policy_attachments')
    .select('policy_arn')
    .where('principal_type', '=', attachment.principalType)
    .where('principal_id', '=', attachment.principalId)
    .where('policy_arn', '=', attachment.policyArn)
    .executeTakeFirst();
  if (existing) return false;
  await db
    .insertInto('policy_attachments')
    .values({
      account_id: attachment.accountId,
      principal_type: attachment.principalType,
      principal_id: attachment.principalId,
      policy_arn: attachment.policyArn,
      attached_at: attachment.attachedAt,
    })
    .execute();
  return true;
}

export async function deleteAttachment(
  db: Db,
  principalType: PolicyHolderType,
  principalId: string,
  policyArn: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('policy_attachments')
    .where('principal_type', '=', principalType)
    .where('principal_id', '=', principalId)
    .where('policy_arn', '=', policyArn)
    .executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

export async function listAttachmentsOf(
  db: Db,
  principalType: PolicyHolderType,
  principalIds: readonly string[],
): Promise<AttachmentRecord[]> {
  if (principalIds.length === 0) return [];
  const rows = await db
    .selectFrom('policy_attachments')
    .selectAll()
    .where('principal_type', '=', principalType)
    .where('principal_id', 'in', principalIds)
    .orderBy('attached_at')
    .orderBy('policy_arn')
    .execute();
  return rows.map(toAttachment);
}

export async function listAttachmentsOfPolicy(
  db: Db,
  accountId: string,
  policyArn: string,
): Promise<AttachmentRecord[]> {
  const rows = await db
    .selectFrom('policy_attachments')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('policy_arn', '=', policyArn)
    .execute();
  return rows.map(toAttachment);
}

/** How many entities of each account hold each policy, by ARN. */
export async function attachmentCounts(db: Db, accountId: string): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('policy_attachments')
    .select(['policy_arn', (eb) => eb.fn.countAll<number | string>().as('n')])
    .where('account_id', '=', accountId)
    .groupBy('policy_arn')
    .execute();
  return new Map(rows.map((r) => [r.policy_arn, Number(r.n)]));
}

export async function deleteAttachmentsOf(db: Db, principalType: PolicyHolderType, principalId: string): Promise<void> {
  await db
    .deleteFrom('policy_attachments')
    .where('principal_type', '=', principalType)
    .where('principal_id', '=', principalId)
    .execute();
}
