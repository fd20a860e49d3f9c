import type { AuditEventRow } from './activity.repository.ts';

const SIGNIN_EVENTS = new Set([
  'ConsoleLogin',
  'CheckMfa',
  'PasswordUpdated',
  'PasswordRecoveryRequested',
  'PasswordRecoveryCompleted',
  'EmailUpdated',
]);

function identityType(actorType: string): string {
  switch (actorType) {
    case 'root':
      return 'Root';
    case 'user':
      return 'IAMUser';
    case 'cli':
      return 'GatehouseOperator';
    case 'system':
      return 'AWSService';
    default:
      return 'Unknown';
  }
}

/** One audit event in the shape of a CloudTrail record, for export (one JSON object a line). */
export function toCloudTrailRecord(row: AuditEventRow): Record<string, unknown> {
  const signin = SIGNIN_EVENTS.has(row.event_name);
  let details: unknown = null;
  try {
    details = row.details ? JSON.parse(row.details) : null;
  } catch {
    details = row.details;
  }
  const consoleLoginUnknown = row.event_name === 'ConsoleLogin' && row.actor_type === 'anonymous';
  const record: Record<string, unknown> = {
    eventVersion: '1.08',
    userIdentity: {
      type: identityType(row.actor_type),
      ...(row.actor_id ? { principalId: row.actor_id } : {}),
      ...(row.account_id ? { accountId: row.account_id } : {}),
      ...(row.actor_type === 'user' && row.actor_name ? { userName: row.actor_name } : {}),
      ...(consoleLoginUnknown ? { userName: 'HIDDEN_DUE_TO_SECURITY_REASONS' } : {}),
      ...(row.actor_type === 'root' && row.account_id ? { arn: `arn:aws:iam::${row.account_id}:root` } : {}),
      ...(row.actor_type === 'cli' || row.actor_type === 'anonymous'
        ? { invokedBy: row.actor_name ?? row.actor_type }
        : {}),
    },
    eventTime: row.time.replace(/\.\d{3}Z$/, 'Z'),
    eventSource: signin
      ? 'signin.amazonaws.com'
      : row.event_name.startsWith('Support') || row.event_name.startsWith('SignInDiagnosis')
        ? 'gatehouse.support'
        : 'iam.amazonaws.com',
    eventName: row.event_name,
    awsRegion: 'us-east-1',
    sourceIPAddress: row.source_ip ?? 'gatehouse.internal',
    userAgent: row.user_agent ?? '',
    requestParameters: row.target_name || row.target_id ? { userName: row.target_name, targetId: row.target_id } : null,
    responseElements: signin && row.outcome ? { [row.event_name]: row.outcome } : null,
    ...(row.outcome === 'Failure'
      ? {
          errorMessage: row.event_name === 'ConsoleLogin' ? 'Failed authentication' : (row.reason ?? 'Failure'),
          errorCode: row.reason,
        }
      : {}),
    additionalEventData: details,
    requestID: row.request_id,
    eventID: row.id,
    readOnly: false,
    eventType: signin ? 'AwsConsoleSignIn' : 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: row.account_id,
    eventCategory: 'Management',
  };
  return record;
}
