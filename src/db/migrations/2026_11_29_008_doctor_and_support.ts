import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code and never changes once released.

export async function up(db: Kysely<any>): Promise<void> {
  // Appending to an account's audit chain looks up its last row by seq.
  await db.schema.createIndex('audit_events_account_seq').on('audit_events').columns(['account_id', 'seq']).execute();

  await db.schema
    .createTable('support_references')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('reference', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text')
    .addColumn('audit_event_id', 'text', (c) => c.notNull())
    .addColumn('flow', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('identifier_key', 'text')
    .addColumn('name_key', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('support_references_reference').on('support_references').column('reference').execute();
  await db.schema
    .createIndex('support_references_identifier')
    .on('support_references')
    .columns(['identifier_key', 'created_at'])
    .execute();
  await db.schema
    .createIndex('support_references_name')
    .on('support_references')
    .columns(['name_key', 'created_at'])
    .execute();
  await db.schema.createIndex('support_references_expiry').on('support_references').column('expires_at').execute();

  await db.schema
    .createTable('support_cases')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_email', 'text', (c) => c.notNull())
    .addColumn('contact_email_key', 'text', (c) => c.notNull())
    .addColumn('account_ref', 'text')
    .addColumn('account_id', 'text')
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('replies', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('source_ip', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('support_cases_status').on('support_cases').columns(['status', 'created_at']).execute();
  await db.schema
    .createIndex('support_cases_contact')
    .on('support_cases')
    .columns(['contact_email_key', 'created_at'])
    .execute();

  await db.schema
    .createTable('credential_reports')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
    .addColumn('generated_at', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('credential_reports').execute();
  await db.schema.dropTable('support_cases').execute();
  await db.schema.dropTable('support_references').execute();
  await db.schema.dropIndex('audit_events_account_seq').execute();
}
