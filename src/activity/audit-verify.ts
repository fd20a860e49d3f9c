import { chainHash } from '../audit/audit.service.ts';
import type { Db } from '../db/database.ts';
import { auditChains, chainPage } from './activity.repository.ts';

export interface ChainBreak {
  /** The account whose chain is broken; null for events of no account. */
  accountId: string | null;
  /** The first row whose link does not hold. */
  seq: number;
  eventId: string;
  /** `edited`: the row's own hash is wrong; `unlinked`: it does not point at the row before it (a row was deleted or reordered). */
  problem: 'edited' | 'unlinked';
}

export interface VerifyResult {
  chains: number;
  events: number;
  broken: ChainBreak[];
}

/**
 * Walks every account's hash chain from its first event and reports, per chain, the
 * first link that does not hold. Reads in pages so a long history needs little memory.
 */
export async function verifyAuditChains(db: Db): Promise<VerifyResult> {
  const chains = await auditChains(db);
  const broken: ChainBreak[] = [];
  let events = 0;
  for (const accountId of chains) {
    let prevHash = '';
    let afterSeq = 0;
    let failed = false;
    while (!failed) {
      const rows = await chainPage(db, accountId, afterSeq, 1000);
      if (rows.length === 0) break;
      for (const row of rows) {
        events++;
        afterSeq = row.seq;
        const { prevHash: linkedTo, hash, seq: _seq, ...event } = row;
        if (linkedTo !== prevHash) {
          broken.push({ accountId, seq: row.seq, eventId: row.id, problem: 'unlinked' });
          failed = true;
          break;
        }
        if (chainHash(linkedTo, event) !== hash) {
          broken.push({ accountId, seq: row.seq, eventId: row.id, problem: 'edited' });
          failed = true;
          break;
        }
        prevHash = hash;
      }
    }
  }
  return { chains: chains.length, events, broken };
}
