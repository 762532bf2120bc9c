import type { LedgerReader } from '../ports/ledger-reader.ts';
import { toBase64 } from './core/rfc6962.ts';
import type { Ledger } from './ledger.ts';
import { vouchForDecision } from './vouch.ts';

/** The auditor API's read-only view of a ledger. */
export function ledgerReader(ledger: () => Promise<Ledger>): LedgerReader {
  return {
    latestCheckpoint: async () => {
      const latest = await (await ledger()).latestCheckpoint();
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
