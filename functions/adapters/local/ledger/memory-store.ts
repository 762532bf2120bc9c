/**
 * The ledger store in memory: the reference behaviour of the LedgerStore port for tests and one-shot tools.
 * Nothing survives the process.
 */
import type { Integrate, TreeHead } from '../../../ledger/core/integrate.ts';
import type { NodeId } from '../../../ledger/core/node-id.ts';
import { formatNote, parseNote } from '../../../ledger/core/signed-note.ts';
import {
  dedupeBatch,
  type LedgerStore,
  type PreparedEntry,
  type SequencedEntry,
  type StoredCheckpoint,
  type StoredEntry,
} from '../../../ledger/ports/ledger-store.ts';

export class MemoryLedgerStore implements LedgerStore {
  readonly #entries: StoredEntry[] = [];
  readonly #byId = new Map<string, StoredEntry>();
  readonly #nodes = new Map<string, Uint8Array>();
  readonly #checkpoints = new Map<number, StoredCheckpoint>();
  readonly #keys: string[] = [];
  #head: TreeHead = { size: 0, range: [] };
  #origin: string | undefined;
  /** Serialises `sequence` like a database write lock. */
  #lock: Promise<unknown> = Promise.resolve();

  async sequence(entries: readonly PreparedEntry[], integrate: Integrate): Promise<SequencedEntry[]> {
    const run = this.#lock.then(() => {
      const head = this.#head;
      const { results, fresh } = dedupeBatch(entries, head.size, (id) => this.#byId.get(id));
      if (fresh.length === 0) return results;
      const integration = integrate(
        head,
        fresh.map((e) => e.leafHash),
      );
      fresh.forEach((entry, i) => {
        const stored = { index: head.size + i, id: entry.id, bytes: entry.bytes, leafHash: entry.leafHash };
        this.#entries.push(stored);
        this.#byId.set(entry.id, stored);
      });
      for (const node of integration.nodes) this.#nodes.set(`${node.level}/${node.index}`, node.hash);
      this.#head = integration.head;
      return results;
    });
    this.#lock = run.catch(() => undefined);
    return run;
  }

  async head(): Promise<TreeHead> {
    return this.#head;
  }

  async entry(index: number): Promise<StoredEntry | undefined> {
    return this.#entries[index];
  }

  async entryById(id: string): Promise<StoredEntry | undefined> {
    return this.#byId.get(id);
  }

  async *entries(start: number, end: number): AsyncIterable<StoredEntry> {
    for (let i = start; i < Math.min(end, this.#entries.length); i++) yield this.#entries[i] as StoredEntry;
  }

  async nodeHashes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    return ids.map(({ level, index }) => {
      const hash = level === 0 ? this.#entries[index]?.leafHash : this.#nodes.get(`${level}/${index}`);
      if (!hash) throw new RangeError(`tree node ${level}/${index} is not in the log`);
      return hash;
    });
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    const sizes = [...this.#checkpoints.keys()];
    return sizes.length ? this.#checkpoints.get(Math.max(...sizes)) : undefined;
  }

  async checkpointAt(size: number): Promise<StoredCheckpoint | undefined> {
    return this.#checkpoints.get(size);
  }

  async checkpointSizes(): Promise<number[]> {
    return [...this.#checkpoints.keys()].sort((a, b) => a - b);
  }

  async publishCheckpoint(
    checkpoint: StoredCheckpoint,
  ): Promise<{ stored: StoredCheckpoint; created: boolean }> {
    const existing = this.#checkpoints.get(checkpoint.size);
    if (existing) return { stored: existing, created: false };
    this.#checkpoints.set(checkpoint.size, checkpoint);
    return { stored: checkpoint, created: true };
  }

  async addCosignatures(size: number, note: string): Promise<void> {
    const stored = this.#checkpoints.get(size);
    if (!stored) throw new RangeError(`no checkpoint of size ${size}`);
    const own = parseNote(stored.note);
    const added = parseNote(note);
    if (added.text !== own.text) throw new Error(`the cosigned note is not the checkpoint of size ${size}`);
    const known = new Set(own.signatures.map((s) => s.line));
    const signatures = [...own.signatures, ...added.signatures.filter((s) => !known.has(s.line))];
    this.#checkpoints.set(size, { ...stored, note: formatNote({ text: own.text, signatures }) });
  }

  async verifierKeys(): Promise<string[]> {
    return [...this.#keys];
  }

  async addVerifierKey(vkey: string): Promise<void> {
    if (!this.#keys.includes(vkey)) this.#keys.push(vkey);
  }

  async origin(proposed: string): Promise<string> {
    this.#origin ??= proposed;
    return this.#origin;
  }
}
