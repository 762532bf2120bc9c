import type { LedgerReader } from '../ports/ledger-reader.ts';
import { toBase64 } from './core/rfc6962.ts';
import type { Ledger } from './ledger.ts';
import { vouchForDecision } from './vouch.ts';

export interface LedgerReaderOptions {
  /**
   * Sign the unsigned tail before answering (a ledger that signs on a cadence, locally), so that every
   * proof covers the entries it is asked about. A read-only ledger (the API Lambda) cannot sign.
   */
  signPending?: boolean;
}

/** The auditor API's view of a ledger. */
export function ledgerReader(ledger: () => Promise<Ledger>, options: LedgerReaderOptions = {}): LedgerReader {
  return {
    latestCheckpoint: async () => {
      const log = await ledger();
      const latest = options.signPending ? await log.checkpoint() : await log.latestCheckpoint();
      return latest && { text: latest.note, size: latest.size, rootHash: toBase64(latest.rootHash) };
    },
    proveInclusion: async (index, size) => (await ledger()).proveInclusion(index, size),
    proveConsistency: async (from, to) => (await ledger()).proveConsistency(from, to),
    indexOfEntry: async (id) => (await (await ledger()).findById(id))?.index,
    vouchForDecision: async (decision) => {
      const { index, leafHash } = await vouchForDecision((await ledger()).store, decision);
      return { index, leafHash: toBase64(leafHash) };
    },
  };
}
