import type { AuditEventRecord } from '../audit/audit.repository.ts';

const STS_EVENTS = new Set(['AssumeRole', 'AssumeRoleWithWebIdentity', 'GetSessionToken']);

const SIGNIN_EVENTS = new Set([
  'ConsoleLogin',
  'CheckMfa',
  'PasswordUpdated',
  'PasswordRecoveryRequested',
  'PasswordRecoveryCompleted',
  'EmailUpdated',
  'SwitchRole',
  'ExitRole',
]);

function identityType(actorType: string): string {
  switch (actorType) {
    case 'root':
      return 'Root';
    case 'user':
      return 'IAMUser';
    case 'assumed-role':
      return 'AssumedRole';
    case 'web-identity':
      return 'WebIdentityUser';
    case 'cli':
      return 'GatehouseOperator';
    case 'system':
      return 'AWSService';
    default:
      return 'Unknown';
  }
}

/** One audit event in the shape of a CloudTrail record, for export (one JSON object a line). */
export function toCloudTrailRecord(row: AuditEventRecord): Record<string, unknown> {
  const signin = SIGNIN_EVENTS.has(row.eventName);
  let details: unknown = null;
  try {
    details = row.details ? JSON.parse(row.details) : null;
  } catch {
    details = row.details;
  }
  const consoleLoginUnknown = row.eventName === 'ConsoleLogin' && row.actorType === 'anonymous';
  const record: Record<string, unknown> = {
    eventVersion: '1.08',
    userIdentity: {
      type: identityType(row.actorType),
      ...(row.actorId ? { principalId: row.actorId } : {}),
      ...(row.accountId ? { accountId: row.accountId } : {}),
      ...(row.actorType === 'user' && row.actorName ? { userName: row.actorName } : {}),
      ...(row.actorType === 'web-identity' && row.actorId ? { userName: row.actorId } : {}),
      ...(consoleLoginUnknown ? { userName: 'HIDDEN_DUE_TO_SECURITY_REASONS' } : {}),
      ...(row.actorType === 'root' && row.accountId ? { arn: `arn:aws:iam::${row.accountId}:root` } : {}),
      ...(row.actorType === 'cli' || row.actorType === 'anonymous'
        ? { invokedBy: row.actorName ?? row.actorType }
        : {}),
    },
    eventTime: row.time.replace(/\.\d{3}Z$/, 'Z'),
    eventSource: signin
      ? 'signin.amazonaws.com'
      : STS_EVENTS.has(row.eventName)
        ? 'sts.amazonaws.com'
        : row.eventName.startsWith('Support') || row.eventName.startsWith('SignInDiagnosis')
          ? 'gatehouse.support'
          : 'iam.amazonaws.com',
    eventName: row.eventName,
    awsRegion: 'us-east-1',
    sourceIPAddress: row.sourceIp ?? 'gatehouse.internal',
    userAgent: row.userAgent ?? '',
    requestParameters: row.targetName || row.targetId ? { userName: row.targetName, targetId: row.targetId } : null,
    responseElements: signin && row.outcome ? { [row.eventName]: row.outcome } : null,
    ...(row.outcome === 'Failure'
      ? {
          errorMessage: row.eventName === 'ConsoleLogin' ? 'Failed authentication' : (row.reason ?? 'Failure'),
          errorCode: row.reason,
        }
      : {}),
    additionalEventData: details,
    requestID: row.requestId,
    eventID: row.id,
    readOnly: false,
    eventType: signin ? 'AwsConsoleSignIn' : 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: row.accountId,
    eventCategory: 'Management',
  };
  return record;
}
