/**
 * Where a ledger keeps its entries, tree and checkpoints. The ledger core knows nothing of SQLite, files,
 * DynamoDB or S3: each store is a driver that implements this port (see README "Store drivers").
 *
 * A driver guarantees:
 * - `sequence` is atomic and serialised: whatever the number of writers, each index is given once, the
 *   entries of a batch get consecutive indices, and the tree head advances only together with the entries
 *   and nodes it covers (SQLite: one BEGIN IMMEDIATE transaction; DynamoDB: a conditional write on the head).
 * - Nothing sequenced is ever updated or deleted: entries, nodes and checkpoints are write-once.
 * - A returned promise means the data is durable (acknowledged writes survive a crash).
 */
import type { Integrate, TreeHead } from '../core/integrate.ts';
import type { HashSource } from '../core/node-id.ts';

export interface PreparedEntry {
  id: string;
  /** The RFC 8785 bytes: the leaf. */
  bytes: Uint8Array;
  leafHash: Uint8Array;
}

export interface SequencedEntry {
  id: string;
  index: number;
  leafHash: Uint8Array;
  /** False when an entry with this id was already in the log (the stored one is kept). */
  created: boolean;
}

export interface StoredEntry {
  index: number;
  id: string;
  bytes: Uint8Array;
  leafHash: Uint8Array;
}

export interface StoredCheckpoint {
  size: number;
  rootHash: Uint8Array;
  /** The signed note: checkpoint body, blank line, signature lines. */
  note: string;
}

export interface LedgerStore extends HashSource {
  /**
   * In one atomic step: entries whose id is already in the log keep their index (created: false); the others,
   * deduplicated by id within the batch, get the next indices in order; `integrate` (pure; a driver may call it
   * again after losing a race) folds their leaf hashes into the tree, and the completed nodes and the new head
   * are stored with them. Results are in the order of `entries`.
   */
  sequence(entries: readonly PreparedEntry[], integrate: Integrate): Promise<SequencedEntry[]>;
  head(): Promise<TreeHead>;
  entry(index: number): Promise<StoredEntry | undefined>;
  entryById(id: string): Promise<StoredEntry | undefined>;
  /** Entries [start, end) in index order, streamed. */
  entries(start: number, end: number): AsyncIterable<StoredEntry>;
  latestCheckpoint(): Promise<StoredCheckpoint | undefined>;
  checkpointAt(size: number): Promise<StoredCheckpoint | undefined>;
  /** Sizes of all stored checkpoints, ascending. */
  checkpointSizes(): Promise<number[]>;
  /**
   * Stores a signed checkpoint unless one of that size exists (a conditional put); returns the checkpoint that
   * is stored for that size, which the caller compares with its own to detect a fork.
   */
  publishCheckpoint(checkpoint: StoredCheckpoint): Promise<{ stored: StoredCheckpoint; created: boolean }>;
  /** Adds cosignature lines to a stored checkpoint's note (a witness's). The body never changes. */
  addCosignatures(size: number, note: string): Promise<void>;
  /** Every verifier key the log has signed with, oldest first (key rotation keeps the old ones). */
  verifierKeys(): Promise<string[]>;
  addVerifierKey(vkey: string): Promise<void>;
  /** The origin this log was created with; set once. */
  origin(proposed: string): Promise<string>;
}

/**
 * The pure part of `sequence` for a driver that looks ids up synchronously inside its write lock: each entry's
 * result in the order of `entries`, and the entries to store. An id already in the log (`lookup`) keeps its
 * index; the first entry of each new id gets the next index from `size`; later entries with an id seen earlier
 * in the batch repeat that result with `created: false`.
 */
export function dedupeBatch(
  entries: readonly PreparedEntry[],
  size: number,
  lookup: (id: string) => { index: number; leafHash: Uint8Array } | undefined,
): { results: SequencedEntry[]; fresh: PreparedEntry[] } {
  const fresh: PreparedEntry[] = [];
  const inBatch = new Map<string, SequencedEntry>();
  const results = entries.map((entry): SequencedEntry => {
    const seen = inBatch.get(entry.id);
    if (seen) return { ...seen, created: false };
    const existing = lookup(entry.id);
    const result = existing
      ? { id: entry.id, index: existing.index, leafHash: existing.leafHash, created: false }
      : { id: entry.id, index: size + fresh.length, leafHash: entry.leafHash, created: true };
    if (!existing) fresh.push(entry);
    inBatch.set(entry.id, result);
    return result;
  });
  return { results, fresh };
}
