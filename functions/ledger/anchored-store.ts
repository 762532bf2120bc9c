/**
 * A LedgerStore that never goes below its anchored high-water mark (see ports/high-water-mark.ts).
 *
 * - Reading the latest checkpoint fails when the store's latest is older than the anchored one, or differs
 *   from it at the same size: the store was rolled back or forked. Signing and appending read the latest
 *   first, so nothing is signed or added over a rolled-back store.
 * - Publishing a checkpoint smaller than the anchored one is refused; one that is larger raises the anchor,
 *   after the store holds it (so the anchor never claims more than the store has).
 * A store with checkpoints but no anchor yet (first use) anchors its latest checkpoint.
 */
import { parseCheckpoint } from './core/checkpoint.ts';
import type { Integrate, TreeHead } from './core/integrate.ts';
import type { NodeId } from './core/node-id.ts';
import { hashesEqual } from './core/rfc6962.ts';
import { parseNote } from './core/signed-note.ts';
import { InconsistentCheckpointError, StaleCheckpointError } from './errors.ts';
import type { HighWaterMark } from './ports/high-water-mark.ts';
import type {
  LedgerStore,
  PreparedEntry,
  SequencedEntry,
  StoredCheckpoint,
  StoredEntry,
} from './ports/ledger-store.ts';

/** The store is below (or beside) the largest checkpoint the log ever signed. */
export class AnchorViolationError extends InconsistentCheckpointError {}

export class AnchoredLedgerStore implements LedgerStore {
  constructor(
    readonly inner: LedgerStore,
    readonly anchor: HighWaterMark,
  ) {}

  #anchored(): { size: number; rootHash: Uint8Array } | undefined {
    const note = this.anchor.read();
    if (note === undefined) return undefined;
    try {
      return parseCheckpoint(parseNote(note).text);
    } catch (error) {
      throw new AnchorViolationError(
        `the anchored high-water mark in ${this.anchor.location} is not a signed checkpoint (${(error as Error).message})`,
      );
    }
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    const latest = await this.inner.latestCheckpoint();
    const anchored = this.#anchored();
    if (!anchored) {
      if (latest) this.anchor.raise(latest.note);
      return latest;
    }
    if (!latest || latest.size < anchored.size)
      throw new AnchorViolationError(
        `checkpoint older than the anchored high-water mark: the store's latest checkpoint has size ${latest?.size ?? 0} but the log signed size ${anchored.size} (${this.anchor.location}); the ledger store was rolled back or replaced by an older copy`,
      );
    if (latest.size === anchored.size && !hashesEqual(latest.rootHash, anchored.rootHash))
      throw new AnchorViolationError(
        `the store's checkpoint of size ${latest.size} has a different root than the anchored high-water mark of that size (${this.anchor.location}): a fork`,
      );
    return latest;
  }

  async publishCheckpoint(
    checkpoint: StoredCheckpoint,
  ): Promise<{ stored: StoredCheckpoint; created: boolean }> {
    const anchored = this.#anchored();
    if (anchored && checkpoint.size < anchored.size) {
      const message = `refusing to sign a tree of size ${checkpoint.size}: checkpoint older than the anchored high-water mark (size ${anchored.size}, ${this.anchor.location})`;
      // A store that holds the anchored checkpoint was not rolled back: this signer lost a race.
      const latest = await this.inner.latestCheckpoint();
      throw latest && latest.size >= anchored.size
        ? new StaleCheckpointError(message)
        : new AnchorViolationError(message);
    }
    if (anchored && checkpoint.size === anchored.size && !hashesEqual(checkpoint.rootHash, anchored.rootHash))
      throw new AnchorViolationError(
        `refusing to sign a tree of size ${checkpoint.size}: its root differs from the anchored high-water mark of that size (a fork)`,
      );
    const result = await this.inner.publishCheckpoint(checkpoint);
    if (
      hashesEqual(result.stored.rootHash, checkpoint.rootHash) &&
      (!anchored || checkpoint.size > anchored.size)
    )
      this.anchor.raise(result.stored.note);
    return result;
  }

  /** Appends only to a store that is not below the anchor: nothing is added over a rolled-back copy. */
  async sequence(entries: readonly PreparedEntry[], integrate: Integrate): Promise<SequencedEntry[]> {
    await this.latestCheckpoint();
    return this.inner.sequence(entries, integrate);
  }
  head(): Promise<TreeHead> {
    return this.inner.head();
  }
  entry(index: number): Promise<StoredEntry | undefined> {
    return this.inner.entry(index);
  }
  entryById(id: string): Promise<StoredEntry | undefined> {
    return this.inner.entryById(id);
  }
  entries(start: number, end: number): AsyncIterable<StoredEntry> {
    return this.inner.entries(start, end);
  }
  nodeHashes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    return this.inner.nodeHashes(ids);
  }
  checkpointAt(size: number): Promise<StoredCheckpoint | undefined> {
    return this.inner.checkpointAt(size);
  }
  checkpointSizes(): Promise<number[]> {
    return this.inner.checkpointSizes();
  }
  addCosignatures(size: number, note: string): Promise<void> {
    return this.inner.addCosignatures(size, note);
  }
  verifierKeys(): Promise<string[]> {
    return this.inner.verifierKeys();
  }
  addVerifierKey(vkey: string): Promise<void> {
    return this.inner.addVerifierKey(vkey);
  }
  origin(proposed: string): Promise<string> {
    return this.inner.origin(proposed);
  }
}
