/**
 * What the auditor API and reports read from the audit ledger: the latest signed checkpoint, RFC 9162 proofs,
 * and where a decision sits after checking it against its entry. Every ledger opener gives one (`reader`,
 * functions/ledger/ledger-handle.ts). Hashes are standard base64, as in C2SP checkpoints.
 */
import type { Decision } from '../contracts/decision.ts';

export interface LedgerCheckpoint {
  /** The signed note (C2SP tlog-checkpoint body plus signature lines), verbatim. */
  text: string;
  size: number;
  /** base64 of the root hash of the first `size` entries. */
  rootHash: string;
}

/** RFC 9162 2.1.3 inclusion proof with what an auditor needs to check it offline. */
export interface InclusionProof {
  format: 'rfc9162-inclusion-proof';
  origin: string;
  leafIndex: number;
  treeSize: number;
  /** The entry's leaf bytes (RFC 8785 JSON); SHA-256(0x00 || entry) is leafHash. */
  entry: string;
  leafHash: string;
  inclusionPath: string[];
  rootHash: string;
  /** The signed checkpoint of treeSize, when the log signed one at that size. */
  checkpoint?: string;
}

export interface ConsistencyProof {
  format: 'rfc9162-consistency-proof';
  origin: string;
  size1: number;
  size2: number;
  rootHash1: string;
  rootHash2: string;
  consistencyPath: string[];
  checkpoint1?: string;
  checkpoint2?: string;
}

/** Where a decision the read model serves sits in the ledger, after checking that the two agree. */
export interface LedgerPosition {
  index: number;
  /** base64 of SHA-256(0x00 || entry bytes), the leaf in the tree. */
  leafHash: string;
}

/**
 * The read model serves a decision that is not what the ledger holds: not in the ledger, different from its
 * entry, or an entry that does not hash to its leaf in the tree. Whatever the read model says is not served.
 */
export class ReadModelDivergenceError extends Error {
  override readonly name = 'ReadModelDivergenceError';
  constructor(
    readonly decisionId: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Read-only view of the ledger. Methods throw a RangeError (the ledger's LedgerRangeError is one) for an
 * index or size the log does not have; the API answers it with 400.
 */
export interface LedgerReader {
  latestCheckpoint(): Promise<LedgerCheckpoint | undefined>;
  /** Inclusion of entry `index` in the tree of `size` entries (default: the latest checkpoint's size). */
  proveInclusion(index: number, size?: number): Promise<InclusionProof>;
  proveConsistency(from: number, to: number): Promise<ConsistencyProof>;
  /** The index of the entry with this ledger entry id (`decision/<decision id>`), if it is sequenced. */
  indexOfEntry(id: string): Promise<number | undefined>;
  /** Checks a decision from the read model against its ledger entry; throws ReadModelDivergenceError. */
  vouchForDecision(decision: Decision): Promise<LedgerPosition>;
}

/** The ledger entry id under which a decision is recorded (functions/ledger/entry.ts `decisionEntry`). */
export function decisionEntryId(decisionId: string): string {
  return `decision/${decisionId}`;
}
