/**
 * Batching appends: calls to `add` that arrive while a batch is being written wait for the next one, so a
 * busy ledger writes many entries per transaction (throughput is not bound to one durable write per entry)
 * while a lone append still goes out at once. Each batch is one `store.sequence` call; `afterBatch` (signing
 * a checkpoint) runs before the batch's callers are answered.
 */
import { integrate } from './core/integrate.ts';
import type { LedgerStore, PreparedEntry, SequencedEntry } from './ports/ledger-store.ts';

export interface BatchOptions {
  /** Most entries in one write (default 1000). */
  maxEntries?: number;
  /** How long a batch waits for more entries before it is written (default 0: the next turn of the event loop). */
  maxDelayMs?: number;
}

interface Pending {
  entry: PreparedEntry;
  resolve: (result: SequencedEntry) => void;
  reject: (error: unknown) => void;
}

export class Sequencer {
  readonly #store: LedgerStore;
  readonly #maxEntries: number;
  readonly #maxDelayMs: number;
  readonly #afterBatch: (results: SequencedEntry[]) => Promise<void>;
  #queue: Pending[] = [];
  #running: Promise<void> | undefined;
  #cancel: (() => void) | undefined;

  constructor(
    store: LedgerStore,
    options: BatchOptions = {},
    afterBatch: (results: SequencedEntry[]) => Promise<void> = async () => undefined,
  ) {
    this.#store = store;
    this.#maxEntries = options.maxEntries ?? 1000;
    this.#maxDelayMs = options.maxDelayMs ?? 0;
    this.#afterBatch = afterBatch;
  }

  add(entry: PreparedEntry): Promise<SequencedEntry> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ entry, resolve, reject });
      this.#schedule();
    });
  }

  /** Waits until everything added so far is written. */
  async flush(): Promise<void> {
    while (this.#running || this.#queue.length > 0) {
      if (!this.#running) this.#start();
      await this.#running;
    }
  }

  #schedule(): void {
    if (this.#running) return;
    if (this.#queue.length >= this.#maxEntries) {
      this.#start();
      return;
    }
    if (this.#cancel) return;
    const fire = () => {
      this.#cancel = undefined;
      if (!this.#running) this.#start();
    };
    if (this.#maxDelayMs > 0) {
      const timer = setTimeout(fire, this.#maxDelayMs);
      this.#cancel = () => clearTimeout(timer);
    } else {
      const immediate = setImmediate(fire);
      this.#cancel = () => clearImmediate(immediate);
    }
  }

  #start(): void {
    this.#cancel?.();
    this.#cancel = undefined;
    const batch = this.#queue.splice(0, this.#maxEntries);
    if (batch.length === 0) return;
    this.#running = this.#write(batch).finally(() => {
      this.#running = undefined;
      if (this.#queue.length > 0) this.#schedule();
    });
  }

  async #write(batch: Pending[]): Promise<void> {
    try {
      const results = await this.#store.sequence(
        batch.map((p) => p.entry),
        integrate,
      );
      await this.#afterBatch(results);
      for (const [i, p] of batch.entries()) p.resolve(results[i] as SequencedEntry);
    } catch (error) {
      for (const p of batch) p.reject(error);
    }
  }
}
