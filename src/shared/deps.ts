import type { Kysely } from 'kysely';
import type { DialectName } from '../db/database.ts';
import type { Database } from '../db/schema.ts';
import type { PasswordHasher } from '../passwords/password-hasher.ts';
import type { Clock } from './clock.ts';

/** What services need from the outside world; built once by `buildApp` or the CLI. */
export interface Deps {
  db: Kysely<Database>;
  dialect: DialectName;
  clock: Clock;
  hasher: PasswordHasher;
  /** Sign-out after this long without a request. */
  sessionIdleMs: number;
  /** Sign-out this long after sign-in. */
  sessionMaxMs: number;
}
