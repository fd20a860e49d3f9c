import type { Deps } from '../shared/deps.ts';
import { secretBox } from '../shared/encryption.ts';
import { type SealedKind, SEALED_COLUMNS, replaceSealed, sealedPage } from './reseal.repository.ts';

const PAGE = 500;

export interface ResealCount {
  /** Already sealed under SECRET_KEY. */
  current: number;
  /** Sealed under a previous key, now under SECRET_KEY. */
  resealed: number;
  /** Opened by no key given: the secret is lost (its key, MFA device, … must be replaced). */
  unreadable: number;
}

export type ResealReport = Record<SealedKind, ResealCount>;

/**
 * After a SECRET_KEY rotation (the old key in SECRET_KEY_PREVIOUS): seals every stored secret
 * — access-key and temporary-credential secrets, TOTP secrets — under the current key, so the
 * previous one can be dropped. Each row is rewritten on its own and only if unchanged since it
 * was read; running it again changes nothing.
 */
export async function resealSecrets(deps: Pick<Deps, 'db'> & { secretKey: Buffer }): Promise<ResealReport> {
  const report = {} as ResealReport;
  for (const kind of Object.keys(SEALED_COLUMNS) as SealedKind[]) {
    const box = secretBox(deps.secretKey, SEALED_COLUMNS[kind].purpose);
    const count: ResealCount = { current: 0, resealed: 0, unreadable: 0 };
    let after = '';
    for (;;) {
      const rows = await sealedPage(deps.db, kind, after, PAGE);
      for (const row of rows) {
        if (box.openCurrent(row.sealed, row.id) !== null) {
          count.current++;
          continue;
        }
        const plaintext = box.open(row.sealed, row.id);
        if (plaintext === null) count.unreadable++;
        else if (await replaceSealed(deps.db, kind, row.id, row.sealed, box.seal(plaintext, row.id))) count.resealed++;
      }
      if (rows.length < PAGE) break;
      after = rows[rows.length - 1]!.id;
    }
    report[kind] = count;
  }
  return report;
}
