import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code and never changes once released.

export async function up(db: Kysely<any>): Promise<void> {
  // Which second factor a session proved (`totp`, `webauthn`, `recovery-code`, `alternative-factors`),
  // beside when (`mfa_at`): what an OpenID Connect `amr` claim reports. Null for sessions that proved
  // none, and for sessions started before this column (their method is unknown).
  await db.schema.alterTable('sessions').addColumn('mfa_method', 'text').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('sessions').dropColumn('mfa_method').execute();
}
