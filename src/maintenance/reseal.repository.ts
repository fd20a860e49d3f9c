import { sql } from 'kysely';
import type { Db } from '../db/database.ts';
import { MAIL_BODY_PURPOSE } from '../mail/mail-body.ts';
import { PHONE_BODY_PURPOSE } from '../mfa/phone-gateway.ts';
import { OIDC_CLIENT_SECRET_PURPOSE } from '../oidc/oidc-client.service.ts';
import { OIDC_SIGNING_KEY_PURPOSE } from '../oidc/oidc-keys.service.ts';

/**
 * Where sealed values live; each is sealed with its row's `id` as associated data.
 * `plaintextBefore`: the columns held plain text before they were sealed (mail bodies queued
 * before sealing existed), which resealing seals too. An erased value ('') is skipped.
 */
export const SEALED_COLUMNS = {
  accessKeys: {
    table: 'access_keys',
    columns: ['secret_sealed'],
    purpose: 'access-key-secret',
    plaintextBefore: false,
  },
  temporaryCredentials: {
    table: 'session_credentials',
    columns: ['secret_sealed'],
    purpose: 'access-key-secret',
    plaintextBefore: false,
  },
  totpDevices: {
    table: 'mfa_devices',
    columns: ['totp_secret_sealed'],
    purpose: 'mfa-totp-secret',
    plaintextBefore: false,
  },
  mailBodies: {
    table: 'mail_outbox',
    columns: ['text_body', 'html_body'],
    purpose: MAIL_BODY_PURPOSE,
    plaintextBefore: true,
  },
  phoneBodies: { table: 'phone_outbox', columns: ['body'], purpose: PHONE_BODY_PURPOSE, plaintextBefore: true },
  oidcClientSecrets: {
    table: 'oidc_clients',
    columns: ['secret_sealed'],
    purpose: OIDC_CLIENT_SECRET_PURPOSE,
    plaintextBefore: false,
  },
  oidcSigningKeys: {
    table: 'oidc_signing_keys',
    columns: ['private_sealed'],
    purpose: OIDC_SIGNING_KEY_PURPOSE,
    plaintextBefore: false,
  },
} as const;

export type SealedKind = keyof typeof SEALED_COLUMNS;

/** The next rows (by id) holding a sealed value of `kind` in `column`. */
export async function sealedPage(
  db: Db,
  kind: SealedKind,
  column: string,
  afterId: string,
  limit: number,
): Promise<Array<{ id: string; sealed: string }>> {
  const { table } = SEALED_COLUMNS[kind];
  const result = await sql<{
    id: string;
    sealed: string;
  }>`select id, ${sql.ref(column)} as sealed from ${sql.table(table)}
    where ${sql.ref(column)} is not null and ${sql.ref(column)} <> '' and id > ${afterId} order by id limit ${limit}`.execute(
    db,
  );
  return result.rows;
}

/** Replaces one sealed value, unless the row changed meanwhile (then false). */
export async function replaceSealed(
  db: Db,
  kind: SealedKind,
  column: string,
  id: string,
  old: string,
  sealed: string,
): Promise<boolean> {
  const { table } = SEALED_COLUMNS[kind];
  const result =
    await sql`update ${sql.table(table)} set ${sql.ref(column)} = ${sealed} where id = ${id} and ${sql.ref(column)} = ${old}`.execute(
      db,
    );
  return Number(result.numAffectedRows ?? 0) === 1;
}
