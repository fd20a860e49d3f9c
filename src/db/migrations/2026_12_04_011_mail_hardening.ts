import { type Kysely, sql } from 'kysely';

// Frozen in time: this file never imports application code and never changes once released.

export async function up(db: Kysely<any>): Promise<void> {
  // Mail bodies are now sealed (AES-GCM under SECRET_KEY) and erased once sent. A migration has
  // no key, so it can only erase what was already delivered; `gatehouse secret-key reseal`
  // seals the bodies still waiting.
  await sql`update mail_outbox set text_body = '', html_body = '' where status = 'sent'`.execute(db);
  // Messages past the per-recipient limit are held, then folded into one digest message.
  await db.schema.alterTable('mail_outbox').addColumn('digest_id', 'text').execute();
  // Messages with the same key to the same address supersede each other while held.
  await db.schema.alterTable('mail_outbox').addColumn('replace_key', 'text').execute();
  await db.schema.createIndex('mail_outbox_digest').on('mail_outbox').column('digest_id').execute();

  // Settings one instance records for the others and for the command line (e.g. `serve`'s public URL).
  await db.schema
    .createTable('instance_settings')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('instance_settings').execute();
  await db.schema.dropIndex('mail_outbox_digest').execute();
  await db.schema.alterTable('mail_outbox').dropColumn('replace_key').execute();
  await db.schema.alterTable('mail_outbox').dropColumn('digest_id').execute();
}
