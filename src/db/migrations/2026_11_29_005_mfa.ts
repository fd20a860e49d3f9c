import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code and never changes once released.

export async function up(db: Kysely<any>): Promise<void> {
  // principal_id is null for a virtual device created but not (yet) enabled for anyone.
  await db.schema
    .createTable('mfa_devices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('principal_id', 'text')
    .addColumn('pending_for', 'text')
    .addColumn('serial', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull().defaultTo('/'))
    .addColumn('totp_secret_sealed', 'text')
    .addColumn('totp_last_step', 'integer')
    .addColumn('totp_offset', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('webauthn_credential_id', 'text', (c) => c.unique())
    .addColumn('webauthn_public_key', 'text')
    .addColumn('webauthn_counter', 'integer')
    .addColumn('webauthn_transports', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('enabled_at', 'text')
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema.createIndex('mfa_devices_principal').on('mfa_devices').column('principal_id').execute();
  await db.schema.createIndex('mfa_devices_account').on('mfa_devices').column('account_id').execute();

  await db.schema
    .createTable('mfa_recovery_codes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('principal_id', 'text', (c) => c.notNull())
    .addColumn('code_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('used_at', 'text')
    .execute();
  await db.schema.createIndex('mfa_recovery_codes_principal').on('mfa_recovery_codes').column('principal_id').execute();

  await db.schema
    .createTable('mfa_throttle')
    .addColumn('principal_id', 'text', (c) => c.primaryKey())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('blocked_until', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // A session that proved the password but not yet a second factor, and what comes after.
  await db.schema
    .createTable('mfa_sign_in_steps')
    .addColumn('session_id', 'text', (c) => c.primaryKey().references('sessions.id').onDelete('cascade'))
    .addColumn('next_restriction', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('mfa_challenges')
    .addColumn('session_id', 'text', (c) => c.notNull().references('sessions.id').onDelete('cascade'))
    .addColumn('purpose', 'text', (c) => c.notNull())
    .addColumn('challenge', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('mfa_challenges_pk', ['session_id', 'purpose'])
    .execute();

  // SMS and voice messages, held like mail until a phone gateway delivers them.
  await db.schema
    .createTable('phone_outbox')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text')
    .addColumn('recipient', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('template', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_reply', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();
  await db.schema.createIndex('phone_outbox_status').on('phone_outbox').columns(['status', 'created_at']).execute();

  // Root sign-in with alternative factors (email + phone) when every MFA device is lost.
  await db.schema
    .createTable('mfa_recoveries')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
    .addColumn('email_secret_hash', 'text', (c) => c.notNull())
    .addColumn('cancel_secret_hash', 'text', (c) => c.notNull())
    .addColumn('phone_code_hash', 'text')
    .addColumn('phone_code_expires_at', 'text')
    .addColumn('phone_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('email_verified_at', 'text')
    .addColumn('phone_verified_at', 'text')
    .addColumn('ready_at', 'text')
    .addColumn('cancelled_at', 'text')
    .addColumn('completed_at', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createIndex('mfa_recoveries_account')
    .on('mfa_recoveries')
    .columns(['account_id', 'created_at'])
    .execute();

  await db.schema
    .createTable('mfa_account_settings')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('recovery_wait_hours', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // Temporary credentials from GetSessionToken with SerialNumber + TokenCode: when MFA was proved.
  await db.schema.alterTable('session_credentials').addColumn('mfa_at', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('session_credentials').dropColumn('mfa_at').execute();
  for (const table of [
    'mfa_account_settings',
    'mfa_recoveries',
    'phone_outbox',
    'mfa_challenges',
    'mfa_sign_in_steps',
    'mfa_throttle',
    'mfa_recovery_codes',
    'mfa_devices',
  ]) {
    await db.schema.dropTable(table).execute();
  }
}
