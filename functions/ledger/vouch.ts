/**
 * The read model answers queries; the ledger is the record. Before a decision from the read model is served
 * (API) or attested (reports), its ledger entry is read and checked: the entry's bytes hash to the leaf in
 * the tree at its index, it is the decision entry of that id, and it holds exactly the decision served
 * (compared as RFC 8785 canonical JSON). A direct edit of the read model, or of an entry's bytes in the
 * ledger store, is a ReadModelDivergenceError naming the decision and the entry.
 */
import type { Decision } from '../contracts/decision.ts';
import { decisionEntryId, ReadModelDivergenceError } from '../ports/ledger-reader.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import { hashesEqual, leafHash, toBase64 } from './core/rfc6962.ts';
import { decodeEntry } from './entry.ts';
import type { LedgerStore } from './ports/ledger-store.ts';

export type VouchingStore = Pick<LedgerStore, 'entryById' | 'nodeHashes'>;

export interface Vouched {
  index: number;
  leafHash: Uint8Array;
}

export async function vouchForDecision(store: VouchingStore, decision: Decision): Promise<Vouched> {
  const id = decision.id;
  const diverges = (why: string) => new ReadModelDivergenceError(id, `decision ${id}${why}`);
  const entry = await store.entryById(decisionEntryId(id));
  if (!entry) throw diverges(' is in the read model but not in the ledger');
  const at = `ledger entry ${entry.index}`;
  const [leaf] = await store.nodeHashes([{ level: 0, index: entry.index }]).catch(() => [undefined]);
  const bytesHash = leafHash(entry.bytes);
  if (!leaf || !hashesEqual(leaf, bytesHash) || !hashesEqual(entry.leafHash, bytesHash))
    throw diverges(`: ${at} does not hash to its leaf in the tree (the ledger store was edited)`);
  const recorded = decodeEntry(entry.bytes);
  if (recorded.type !== 'decision')
    throw diverges(`: ${at} is a ${recorded.type} entry, not a decision (leaf hash ${toBase64(leaf)})`);
  if (canonicalJson(recorded.decision) !== canonicalOrUndefined(decision)) {
    const said =
      decision.decision === recorded.decision.decision
        ? ''
        : `: the read model says ${decision.decision}, the ledger says ${recorded.decision.decision}`;
    throw diverges(` in the read model differs from ${at} (leaf hash ${toBase64(leaf)})${said}`);
  }
  return { index: entry.index, leafHash: leaf };
}

function canonicalOrUndefined(value: unknown): string | undefined {
  try {
    return canonicalJson(value);
  } catch {
    return undefined;
  }
}
