import { type Kysely, sql } from 'kysely';
import type { DialectName } from '../src/db/database.ts';
import type { Database } from '../src/db/schema.ts';
import { newAccountId, newUserId } from '../src/shared/ids.ts';
import type { SeededUsers } from './scenario.ts';
import { SEEDED_PER_ACCOUNT, seededUser } from './scenarios.ts';

/** Rows per INSERT statement (at most 9 columns a row: well under either database's limit on parameters). */
const ROWS_PER_INSERT = 1000;
/** Users per transaction: large enough that commits cost little, small enough to keep memory flat. */
const USERS_PER_TRANSACTION = 100_000;

/**
 * Seeds `count` IAM users, `SEEDED_PER_ACCOUNT` to an account (each account with its root user),
 * every one with a console password whose PHC string is `passwordHash`: the password is hashed
 * once, not once per user, so a million users take seconds to write instead of hours to hash.
 * Rows are written in multi-row INSERTs, many to a transaction. Names follow `seededUser`.
 */
export async function seedUsers(
  db: Kysely<Database>,
  dialect: DialectName,
  count: number,
  passwordHash: string,
  now: Date,
): Promise<SeededUsers & { ms: number }> {
  const started = performance.now();
  // Random keys land all over the indexes: with SQLite's default 2 MB page cache, most inserts
  // would read pages back from the file. A larger cache while seeding, the default again after.
  if (dialect === 'sqlite') await sql`pragma cache_size = -262144`.execute(db);
  const createdAt = now.toISOString();
  const accountIds = new Set<string>();
  while (accountIds.size < Math.ceil(count / SEEDED_PER_ACCOUNT)) accountIds.add(newAccountId());
  const seeded: SeededUsers = { count, perAccount: SEEDED_PER_ACCOUNT, accountIds: [...accountIds] };

  await db.transaction().execute(async (tx) => {
    const accounts = seeded.accountIds.map((id, a) => ({
      id,
      name: `Seeded ${a}`,
      alias: null,
      created_at: createdAt,
    }));
    for (const rows of chunks(accounts)) await tx.insertInto('accounts').values(rows).execute();
    const roots = seeded.accountIds.map((id, a) => ({
      account_id: id,
      email: `root-${a}@seeded.example`,
      email_key: `root-${a}@seeded.example`,
      email_verified: 1,
      password_hash: passwordHash,
      password_changed_at: createdAt,
      phone: null,
      created_at: createdAt,
    }));
    for (const rows of chunks(roots)) await tx.insertInto('root_users').values(rows).execute();
  });

  for (let first = 0; first < count; first += USERS_PER_TRANSACTION) {
    const users = Array.from({ length: Math.min(USERS_PER_TRANSACTION, count - first) }, (_, k) => {
      const { accountRef, userName } = seededUser(seeded, first + k);
      return {
        id: newUserId(),
        account_id: accountRef,
        name: userName,
        name_key: userName.toLowerCase(),
        path: '/',
        is_admin: 0,
        contact_email: null,
        created_at: createdAt,
        permissions_boundary: null,
      };
    });
    // In key order: each page of the primary-key indexes is then written once a transaction, not once a row.
    users.sort((a, b) => (a.id < b.id ? -1 : 1));
    await db.transaction().execute(async (tx) => {
      for (const rows of chunks(users)) await tx.insertInto('users').values(rows).execute();
      for (const rows of chunks(users)) {
        await tx
          .insertInto('login_profiles')
          .values(
            rows.map((user) => ({
              user_id: user.id,
              password_hash: passwordHash,
              password_reset_required: 0,
              password_changed_at: createdAt,
              created_at: createdAt,
            })),
          )
          .execute();
      }
    });
  }
  if (dialect === 'sqlite') {
    await sql`pragma cache_size = -2000`.execute(db);
    // The rows move from the write-ahead log into the database file now, not during a measured row.
    await sql`pragma wal_checkpoint(truncate)`.execute(db);
  } else {
    // PostgreSQL plans from statistics that autovacuum would gather only later: gather them now,
    // as they would stand in a database that has held these rows for a while.
    await sql`analyze accounts, root_users, users, login_profiles`.execute(db);
  }
  return { ...seeded, ms: performance.now() - started };
}

function* chunks<T>(rows: T[]): Generator<T[]> {
  for (let i = 0; i < rows.length; i += ROWS_PER_INSERT) yield rows.slice(i, i + ROWS_PER_INSERT);
}
