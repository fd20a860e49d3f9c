import { getPasswordPolicy } from '../password-policy/password-policy.service.ts';
import { passwordExpiry } from '../password-policy/password-expiry.ts';
import { HOUR } from '../shared/clock.ts';
import type { Deps } from '../deps.ts';
import { GatehouseError } from '../shared/errors.ts';
import { type ReportAccessKey, findReport, reportSources, saveReport } from './credential-report.repository.ts';

/** The header of AWS's credential report, column for column. */
export const CREDENTIAL_REPORT_COLUMNS = [
  'user',
  'arn',
  'user_creation_time',
  'password_enabled',
  'password_last_used',
  'password_last_changed',
  'password_next_rotation',
  'mfa_active',
  'access_key_1_active',
  'access_key_1_last_rotated',
  'access_key_1_last_used_date',
  'access_key_1_last_used_region',
  'access_key_1_last_used_service',
  'access_key_2_active',
  'access_key_2_last_rotated',
  'access_key_2_last_used_date',
  'access_key_2_last_used_region',
  'access_key_2_last_used_service',
  'cert_1_active',
  'cert_1_last_rotated',
  'cert_2_active',
  'cert_2_last_rotated',
] as const;

/** A report is reused for this long; GenerateCredentialReport makes a new one only after. */
export const REPORT_REUSE_MS = 4 * HOUR;

/** AWS's credential-report time format: `2015-06-24T12:45:00+00:00`. */
export function reportTime(iso: string): string {
  return iso.replace(/\.\d{3}Z$/, '+00:00').replace(/Z$/, '+00:00');
}

function csvField(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

function keyColumns(key: ReportAccessKey | undefined): string[] {
  if (!key) return ['false', 'N/A', 'N/A', 'N/A', 'N/A'];
  return [
    key.status === 'Active' ? 'true' : 'false',
    reportTime(key.createdAt),
    key.lastUsedAt ? reportTime(key.lastUsedAt) : 'N/A',
    key.lastUsedAt ? (key.lastUsedRegion ?? 'N/A') : 'N/A',
    key.lastUsedAt ? (key.lastUsedService ?? 'N/A') : 'N/A',
  ];
}

/** Builds the CSV: the root row first, then each IAM user by name. */
export async function buildCredentialReport(deps: Deps, accountId: string): Promise<string> {
  const { account, users, keys, mfa, lastLogins: lastLogin } = await reportSources(deps.db, accountId);
  if (!account) throw new GatehouseError('NoSuchEntity', 'The account does not exist.');
  const policy = await getPasswordPolicy(deps, accountId);
  const mfaOn = new Set(mfa.map((m) => m.principalId));
  const keysOf = (principalId: string) => keys.filter((k) => k.principalId === principalId).slice(0, 2);
  const rows: string[][] = [];
  const rootKeys = keysOf(accountId);
  const rootLogin = lastLogin.get(accountId);
  rows.push([
    '<root_account>',
    `arn:aws:iam::${accountId}:root`,
    reportTime(account.createdAt),
    'not_supported',
    rootLogin ? reportTime(rootLogin) : 'no_information',
    'not_supported',
    'not_supported',
    mfaOn.has(accountId) ? 'true' : 'false',
    ...keyColumns(rootKeys[0]),
    ...keyColumns(rootKeys[1]),
    'false',
    'N/A',
    'false',
    'N/A',
  ]);
  const now = deps.clock.now();
  for (const user of users) {
    const hasPassword = user.hasLoginProfile;
    const login = lastLogin.get(user.id);
    const expiry = hasPassword && user.passwordChangedAt ? passwordExpiry(policy, user.passwordChangedAt, now) : null;
    const userKeys = keysOf(user.id);
    rows.push([
      user.name,
      `arn:aws:iam::${accountId}:user${user.path}${user.name}`,
      reportTime(user.createdAt),
      hasPassword ? 'true' : 'false',
      login ? reportTime(login) : hasPassword ? 'no_information' : 'N/A',
      hasPassword && user.passwordChangedAt ? reportTime(user.passwordChangedAt) : 'N/A',
      expiry ? reportTime(expiry.expiresAt) : 'N/A',
      mfaOn.has(user.id) ? 'true' : 'false',
      ...keyColumns(userKeys[0]),
      ...keyColumns(userKeys[1]),
      'false',
      'N/A',
      'false',
      'N/A',
    ]);
  }
  return `${[CREDENTIAL_REPORT_COLUMNS.join(','), ...rows.map((r) => r.map(csvField).join(','))].join('\n')}\n`;
}

/**
 * GenerateCredentialReport: makes a new report unless one under four hours old exists.
 * `STARTED` when it made one (as AWS answers the first call), `COMPLETE` when reused.
 */
export async function generateCredentialReport(deps: Deps, accountId: string): Promise<'STARTED' | 'COMPLETE'> {
  const now = deps.clock.now();
  const existing = await findReport(deps.db, accountId);
  if (existing && now.getTime() - new Date(existing.generatedAt).getTime() < REPORT_REUSE_MS) return 'COMPLETE';
  const content = await buildCredentialReport(deps, accountId);
  await saveReport(deps.db, accountId, now.toISOString(), content);
  return 'STARTED';
}

/** GetCredentialReport: the stored report; ReportNotPresent when none was generated, ReportExpired past four hours. */
export async function getCredentialReport(
  deps: Deps,
  accountId: string,
): Promise<{ content: string; generatedAt: string }> {
  const report = await findReport(deps.db, accountId);
  if (!report)
    throw new GatehouseError('ReportNotPresent', 'Credential report not present. Call GenerateCredentialReport first.');
  if (deps.clock.now().getTime() - new Date(report.generatedAt).getTime() >= REPORT_REUSE_MS) {
    throw new GatehouseError(
      'ReportExpired',
      'The credential report is more than four hours old. Call GenerateCredentialReport for a new one.',
    );
  }
  return { content: report.content, generatedAt: report.generatedAt };
}
