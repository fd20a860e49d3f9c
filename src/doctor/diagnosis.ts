import { formatTime } from '../mail/mail-templates.ts';

/** Who receives the report. `administrators` means the root email plus a notice in the console. */
export type Audience = 'owner' | 'administrators';

/**
 * One reason a sign-in failed, in words for the owner, with the one action that fixes it.
 * `code` is stable (tests and the audit trail use it); `text` and `fix` are for people.
 */
export interface Cause {
  code:
    | 'WrongPassword'
    | 'PasswordResetByAdministrator'
    | 'PasswordChanged'
    | 'PasswordExpired'
    | 'PasswordExpiredHard'
    | 'PasswordResetRequired'
    | 'NoConsolePassword'
    | 'MfaDeviceRemoved'
    | 'MfaLocked'
    | 'SignInLocked'
    | 'WrongAccount'
    | 'WrongIdentity'
    | 'UserNotInAccount'
    | 'SwitchRoleRefused'
    | 'NothingRecorded';
  text: string;
  /**
   * `unlock`: the fix is a fresh unlock link for this throttle identifier, minted only when
   * the report is really sent; its token is in the mail alone, never in the audit trail.
   */
  fix: { label: string; url: string; unlock?: string };
}

/** A report's causes as its `SignInDiagnosisSent` audit event keeps them (the unlock token never: it is in the mail alone). */
export interface RecordedCause {
  code: Cause['code'];
  text: string;
  fix: string;
  url: string;
}

export function recordedCauses(causes: Cause[]): RecordedCause[] {
  return causes.map((c) => ({ code: c.code, text: c.text, fix: c.fix.label, url: c.fix.url }));
}

/** The causes a report named, read back from its audit event's details; [] when there are none. */
export function causesOfReport(details: string | null): RecordedCause[] {
  if (!details) return [];
  try {
    const causes = (JSON.parse(details) as { causes?: unknown }).causes;
    if (!Array.isArray(causes)) return [];
    return causes.filter(
      (c): c is RecordedCause =>
        typeof c === 'object' &&
        c !== null &&
        ['code', 'text', 'fix', 'url'].every((k) => typeof (c as Record<string, unknown>)[k] === 'string'),
    );
  } catch {
    return [];
  }
}

export interface AuditFact {
  eventName: string;
  outcome: string | null;
  reason: string | null;
  time: string;
  actorType: string;
  actorId: string | null;
  actorName: string | null;
  sourceIp: string | null;
  userAgent: string | null;
  targetId: string | null;
  targetName: string | null;
  /** The event's extra facts (JSON), e.g. the role a refused Switch role named. */
  details: string | null;
}

export function when(iso: string): string {
  return formatTime(iso);
}

/** "203.0.113.7 (Firefox)" — the browser family only, as owners recognise it. */
export function where(ip: string | null, userAgent: string | null): string {
  const browser = browserOf(userAgent);
  if (!ip) return browser ? browser : 'the command line (no network address)';
  return browser ? `${ip} (${browser})` : ip;
}

export function browserOf(userAgent: string | null): string {
  if (!userAgent) return '';
  for (const [pattern, name] of [
    [/Edg\//, 'Edge'],
    [/Firefox\//, 'Firefox'],
    [/Chrome\//, 'Chrome'],
    [/Safari\//, 'Safari'],
    [/curl\//, 'curl'],
    [/aws-cli|aws-sdk/, 'AWS CLI/SDK'],
  ] as const) {
    if (pattern.test(userAgent)) return name;
  }
  return userAgent.slice(0, 40);
}

/** Who made a change, as the owner reads it. */
export function byWhom(fact: AuditFact, ownerId: string): string {
  if (fact.actorId === ownerId) return 'you';
  if (fact.actorType === 'root') return 'the root user';
  if (fact.actorType === 'user') return `IAM user ${fact.actorName ?? fact.actorId ?? ''}`;
  if (fact.actorType === 'cli') return 'an operator (command line)';
  return fact.actorName ?? fact.actorType;
}
