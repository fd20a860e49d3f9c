import type { Kysely } from 'kysely';
import type { DialectName } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import type { PasswordHasher } from '../passwords/password-hasher.ts';
import type { Guard } from '../throttle/guard.ts';
import type { Clock } from './clock.ts';

/** What services need from the outside world; built once by `buildApp` or the CLI. */
export interface Deps {
  db: Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
  hasher: PasswordHasher;
  /** Throttles, the security check and their metrics (counters in the database or Redis). */
  guard: Guard;
  /** Sign-out after this long without a request. */
  sessionIdleMs: number;
  /** Sign-out this long after sign-in. */
  sessionMaxMs: number;
  /** What mail needs: the sender address, and the origin links in messages point to. */
  mail: MailSettings;
  /** Key for CSRF tokens and sealed secrets and mail bodies (32 bytes). */
  secretKey: Buffer;
}

export interface MailSettings {
  /** `MAIL_FROM`. */
  from: string;
  /** `PUBLIC_URL`'s origin, e.g. `https://signin.example.com` (no trailing slash). */
  publicUrl: string;
}
