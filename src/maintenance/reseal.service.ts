import type { Deps } from '../deps.ts';
import { looksSealed } from '../shared/encryption.ts';
import { type SealedKind, SEALED_COLUMNS, replaceSealed, sealedPage } from './reseal.repository.ts';

const PAGE = 500;

export interface ResealCount {
  /** Already sealed under SECRET_KEY. */
  current: number;
  /** Sealed under a previous key, now under SECRET_KEY. */
  resealed: number;
  /** Opened by no key given: the secret is lost (its key, MFA device, … must be replaced; such mail cannot be sent). */
  unreadable: number;
}

export type ResealReport = Record<SealedKind, ResealCount>;

/**
 * After a SECRET_KEY rotation (the old key in SECRET_KEY_PREVIOUS): seals every stored secret
 * — access-key and temporary-credential secrets, TOTP secrets, mail bodies (text and HTML are
 * counted apart) — under the current key, so the previous one can be dropped. Mail bodies
 * queued before bodies were sealed are sealed too. Each value is rewritten on its own and only
 * if unchanged since it was read; running it again changes nothing.
 */
export async function resealSecrets(deps: Pick<Deps, 'db' | 'keyring'>): Promise<ResealReport> {
  const report = {} as ResealReport;
  for (const kind of Object.keys(SEALED_COLUMNS) as SealedKind[]) {
    const { purpose, columns, plaintextBefore } = SEALED_COLUMNS[kind];
    const box = deps.keyring.box(purpose);
    const count: ResealCount = { current: 0, resealed: 0, unreadable: 0 };
    for (const column of columns) {
      let after = '';
      for (;;) {
        const rows = await sealedPage(deps.db, kind, column, after, PAGE);
        for (const row of rows) {
          if (box.openCurrent(row.sealed, row.id) !== null) {
            count.current++;
            continue;
          }
          const plaintext =
            box.open(row.sealed, row.id) ?? (plaintextBefore && !looksSealed(row.sealed) ? row.sealed : null);
          if (plaintext === null) count.unreadable++;
          else if (await replaceSealed(deps.db, kind, column, row.id, row.sealed, box.seal(plaintext, row.id)))
            count.resealed++;
        }
        if (rows.length < PAGE) break;
        after = rows[rows.length - 1]!.id;
      }
    }
    report[kind] = count;
  }
  return report;
}
