import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code and never changes once released.

export async function up(db: Kysely<any>): Promise<void> {
  // A principal's own events, newest first (the console's failed-attempts notice on every home
  // page, the throttle panel, Recent activity), without reading the rest of its account's trail.
  await db.schema
    .createIndex('audit_events_actor_seq')
    .on('audit_events')
    .columns(['account_id', 'actor_id', 'seq'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_events_actor_seq').execute();
}
