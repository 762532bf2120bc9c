/**
 * The ledger as the rest of Verdict uses it: append entries (idempotent by id, batched), read them back,
 * and get signed checkpoints and RFC 9162 proofs an auditor can check offline.
 */

import type { ActionRecord } from '../contracts/action.ts';
import type { Decision, Rejection } from '../contracts/decision.ts';
import type { Exception } from '../contracts/exception.ts';
import type { ExceptionEvent, LedgerEntry } from '../contracts/ledger-entry.ts';
import { type ConsistencyProof, decisionEntryId, type InclusionProof } from '../ports/ledger-reader.ts';
import { canonicalJson } from '../shared/canonical-json.ts';
import { Checkpointer, type SignedCheckpoint } from './checkpointer.ts';
import { parseCheckpoint } from './core/checkpoint.ts';
import { rangeNodes } from './core/node-id.ts';
import { consistencyProof, inclusionProof, resolvePlan } from './core/proofs.ts';
import { EMPTY_ROOT, hashesEqual, toBase64 } from './core/rfc6962.ts';
import { parseNote } from './core/signed-note.ts';
import {
  actionEntry,
  actionEntryId,
  decisionEntry,
  decodeEntry,
  exceptionEntry,
  prepareEntry,
  rejectionEntry,
} from './entry.ts';
import { InconsistentCheckpointError, LedgerRangeError } from './errors.ts';
import type { LedgerStore, PreparedEntry, SequencedEntry, StoredEntry } from './ports/ledger-store.ts';
import type { Signer } from './ports/signer.ts';
import { type BatchOptions, Sequencer } from './sequencer.ts';

export const DEFAULT_ORIGIN = 'verdict.local/ledger';

export interface LedgerOptions {
  store: LedgerStore;
  signer: Signer;
  /** The log's name in checkpoints; also the signer's key name. Default `verdict.local/ledger`. */
  origin?: string;
  batch?: BatchOptions;
  /** Sign a checkpoint after every batch (default), or on a cadence. */
  checkpoint?: CheckpointCadence;
  now?: () => Date;
}

/**
 * When checkpoints are signed. `every-batch`: before any append is acknowledged. A cadence: appends are
 * acknowledged once durable, and a checkpoint is signed after a batch once `entries` entries are unsigned or
 * `intervalMs` has passed since the last one, on a timer while entries wait unsigned, before every proof or
 * export (`checkpoint()`), and on close. A failed signing leaves the tail unsigned for the next attempt,
 * except a refusal to sign an inconsistent tree, which fails the append.
 */
export type CheckpointCadence = 'every-batch' | { entries?: number; intervalMs?: number };

export interface AppendResult {
  id: string;
  index: number;
  /** base64 of SHA-256(0x00 || entry bytes). */
  leafHash: string;
  created: boolean;
  /**
   * False when the id was already in the log with other content (`recordedAt` aside): the log keeps its own
   * entry, and a caller that must act on what is recorded reads it back (see `recordDecision`).
   */
  matches: boolean;
}

/** A decision as the ledger holds it: the first one recorded under its id, whoever recorded it. */
export interface RecordedDecision extends AppendResult {
  decision: Decision;
}

export interface LedgerRecord {
  index: number;
  id: string;
  leafHash: string;
  /** The exact leaf bytes (RFC 8785 JSON). */
  text: string;
  entry: LedgerEntry;
}

export class Ledger {
  readonly origin: string;
  readonly store: LedgerStore;
  readonly checkpointer: Checkpointer;
  readonly #sequencer: Sequencer;
  readonly #now: () => Date;
  #interval: NodeJS.Timeout | undefined;

  private constructor(options: LedgerOptions, origin: string) {
    this.origin = origin;
    this.store = options.store;
    this.#now = options.now ?? (() => new Date());
    this.checkpointer = new Checkpointer(options.store, options.signer, origin);
    const cadence = options.checkpoint ?? 'every-batch';
    this.#cadence = cadence;
    this.#lastSignedAt = this.#now().getTime();
    this.#sequencer = new Sequencer(options.store, options.batch, async (results) => {
      if (cadence === 'every-batch') {
        await this.checkpointer.sign();
        return;
      }
      this.#unsigned += results.filter((r) => r.created).length;
      if (this.#checkpointDue(cadence)) await this.#signTail();
    });
    if (cadence !== 'every-batch' && cadence.intervalMs !== undefined) {
      this.#interval = setInterval(() => {
        if (this.#unsigned > 0) this.#signTail().catch((error) => process.emitWarning(error as Error));
      }, cadence.intervalMs);
      this.#interval.unref();
    }
  }

  readonly #cadence: CheckpointCadence;
  /** Entries this process appended since its last checkpoint. */
  #unsigned = 0;
  #lastSignedAt: number;

  #checkpointDue(cadence: Exclude<CheckpointCadence, 'every-batch'>): boolean {
    if (cadence.entries !== undefined && this.#unsigned >= cadence.entries) return true;
    return (
      cadence.intervalMs !== undefined && this.#now().getTime() - this.#lastSignedAt >= cadence.intervalMs
    );
  }

  async #sign(): Promise<SignedCheckpoint> {
    const covered = this.#unsigned;
    const signed = await this.checkpointer.sign();
    this.#unsigned = Math.max(0, this.#unsigned - covered);
    this.#lastSignedAt = this.#now().getTime();
    return signed;
  }

  /** Signs on the cadence: a signer that is down leaves the tail unsigned (reported), an inconsistent tree throws. */
  async #signTail(): Promise<void> {
    try {
      await this.#sign();
    } catch (error) {
      if (error instanceof InconsistentCheckpointError) throw error;
      process.emitWarning(
        `ledger checkpoint not signed; the tail stays unsigned until the next attempt: ${(error as Error).message}`,
      );
    }
  }

  /** Opens a ledger over a store; the signer's key becomes one of the log's verifier keys. */
  static async open(options: LedgerOptions): Promise<Ledger> {
    const origin = await options.store.origin(options.origin ?? DEFAULT_ORIGIN);
    if (options.signer.name !== origin)
      throw new Error(`the signer's key name ${options.signer.name} must be the log's origin ${origin}`);
    await options.store.addVerifierKey(options.signer.verifierKey);
    return new Ledger(options, origin);
  }

  /** Appends an entry unless one with its id exists; resolves once it is durable (and checkpointed, by default). */
  async append(entry: LedgerEntry): Promise<AppendResult> {
    const prepared = prepareEntry(entry);
    return this.#compared(entry, prepared, await this.#sequencer.add(prepared));
  }

  appendMany(entries: readonly LedgerEntry[]): Promise<AppendResult[]> {
    const prepared = entries.map(prepareEntry);
    return Promise.all(
      prepared.map(async (p, i) =>
        this.#compared(entries[i] as LedgerEntry, p, await this.#sequencer.add(p)),
      ),
    );
  }

  /** Deduplicated by id, then compared by bytes: an id already in the log with other content is reported. */
  async #compared(
    entry: LedgerEntry,
    prepared: PreparedEntry,
    result: SequencedEntry,
  ): Promise<AppendResult> {
    const base = {
      id: result.id,
      index: result.index,
      leafHash: toBase64(result.leafHash),
      created: result.created,
    };
    if (result.created || hashesEqual(result.leafHash, prepared.leafHash)) return { ...base, matches: true };
    const stored = await this.store.entryById(result.id);
    const matches = stored !== undefined && sameContent(decodeEntry(stored.bytes), entry);
    return { ...base, matches };
  }

  /**
   * Appends a decision unless one with its id is in the log, and answers with the decision the log holds: a
   * caller that lost a race, or retries after a crash, acts on the recorded decision, never on its own.
   */
  async recordDecision(decision: Decision): Promise<RecordedDecision> {
    const result = await this.append(decisionEntry(decision, this.#now().toISOString()));
    if (result.created || result.matches) return { ...result, decision };
    const recorded = await this.findDecision(decision.id);
    if (!recorded) throw new Error(`ledger entry ${result.id} is not a decision`);
    return { ...result, decision: recorded };
  }

  /** The decision recorded under this decision id, if any. */
  async findDecision(decisionId: string): Promise<Decision | undefined> {
    const stored = await this.findById(decisionEntryId(decisionId));
    return stored?.entry.type === 'decision' ? stored.entry.decision : undefined;
  }

  recordRejection(rejection: Rejection): Promise<AppendResult> {
    return this.append(rejectionEntry(rejection, this.#now().toISOString()));
  }

  recordException(event: ExceptionEvent, exception: Exception): Promise<AppendResult> {
    return this.append(exceptionEntry(event, exception, this.#now().toISOString()));
  }

  recordAction(action: ActionRecord): Promise<AppendResult> {
    return this.append(actionEntry(action, this.#now().toISOString()));
  }

  async hasAction(actionId: string): Promise<boolean> {
    return (await this.store.entryById(actionEntryId(actionId))) !== undefined;
  }

  /** The action recorded under this action id, if any. */
  async findAction(actionId: string): Promise<ActionRecord | undefined> {
    const stored = await this.findById(actionEntryId(actionId));
    return stored?.entry.type === 'action' ? stored.entry.action : undefined;
  }

  async get(index: number): Promise<LedgerRecord | undefined> {
    const stored = await this.store.entry(index);
    return stored ? toRecord(stored) : undefined;
  }

  async findById(id: string): Promise<LedgerRecord | undefined> {
    const stored = await this.store.entryById(id);
    return stored ? toRecord(stored) : undefined;
  }

  async size(): Promise<number> {
    return (await this.store.head()).size;
  }

  latestCheckpoint(): Promise<SignedCheckpoint | undefined> {
    return this.checkpointer.latest();
  }

  /** A signed checkpoint covering every entry appended so far (signing one if needed). */
  async checkpoint(): Promise<SignedCheckpoint> {
    await this.#sequencer.flush();
    return this.#sign();
  }

  /** The root hash of the first `size` entries, from the stored nodes. */
  async rootAt(size: number): Promise<Uint8Array> {
    if (size === 0) return EMPTY_ROOT;
    const [root] = await resolvePlan(this.store, [rangeNodes(0, size)]);
    return root as Uint8Array;
  }

  async #checkSize(size: number): Promise<void> {
    const head = await this.store.head();
    if (!Number.isSafeInteger(size) || size < 0 || size > head.size)
      throw new LedgerRangeError(`tree size ${size} is not between 0 and the log's size ${head.size}`);
  }

  /** Inclusion proof of entry `index` in the tree of `size` entries (default: the latest checkpoint). */
  async proveInclusion(index: number, size?: number): Promise<InclusionProof> {
    let treeSize = size;
    if (treeSize === undefined) {
      const latest = await this.latestCheckpoint();
      treeSize = latest && latest.size > index ? latest.size : (await this.checkpoint()).size;
    }
    await this.#checkSize(treeSize);
    if (!Number.isSafeInteger(index) || index < 0 || index >= treeSize)
      throw new LedgerRangeError(`entry index ${index} is not below tree size ${treeSize}`);
    const stored = await this.store.entry(index);
    if (!stored) throw new LedgerRangeError(`no entry at index ${index}`);
    const proof = await inclusionProof(this.store, index, treeSize);
    const checkpoint = await this.store.checkpointAt(treeSize);
    return {
      format: 'rfc9162-inclusion-proof',
      origin: this.origin,
      leafIndex: index,
      treeSize,
      entry: Buffer.from(stored.bytes).toString('utf8'),
      leafHash: toBase64(stored.leafHash),
      inclusionPath: proof.map(toBase64),
      rootHash: toBase64(await this.rootAt(treeSize)),
      ...(checkpoint ? { checkpoint: checkpoint.note } : {}),
    };
  }

  async proveConsistency(size1: number, size2: number): Promise<ConsistencyProof> {
    await this.#checkSize(size1);
    await this.#checkSize(size2);
    if (size1 > size2) throw new LedgerRangeError(`size1 ${size1} is larger than size2 ${size2}`);
    const proof = await consistencyProof(this.store, size1, size2);
    const [c1, c2] = await Promise.all([this.store.checkpointAt(size1), this.store.checkpointAt(size2)]);
    return {
      format: 'rfc9162-consistency-proof',
      origin: this.origin,
      size1,
      size2,
      rootHash1: toBase64(await this.rootAt(size1)),
      rootHash2: toBase64(await this.rootAt(size2)),
      consistencyPath: proof.map(toBase64),
      ...(c1 ? { checkpoint1: c1.note } : {}),
      ...(c2 ? { checkpoint2: c2.note } : {}),
    };
  }

  /**
   * Stores the extra signature lines (a witness's cosignatures) of a note whose body is one of this log's
   * checkpoints, so that later exports carry them. The log cannot check a witness's signature without the
   * witness's key: `verify --witness-key` does.
   */
  async addCosignatures(note: string): Promise<void> {
    const checkpoint = parseCheckpoint(parseNote(note).text);
    if (checkpoint.origin !== this.origin)
      throw new LedgerRangeError(`the checkpoint is for ${checkpoint.origin}, not ${this.origin}`);
    await this.store.addCosignatures(checkpoint.size, note);
  }

  /** Writes what is pending, signs its tail on a cadence, and stops the timer. The store is closed by whoever opened it. */
  async close(): Promise<void> {
    if (this.#interval) clearInterval(this.#interval);
    await this.#sequencer.flush();
    if (this.#cadence !== 'every-batch' && this.#unsigned > 0) await this.#signTail();
  }
}

/** Same entry, whenever it was recorded. */
function sameContent(a: LedgerEntry, b: LedgerEntry): boolean {
  const { recordedAt: _a, ...restA } = a;
  const { recordedAt: _b, ...restB } = b;
  return canonicalJson(restA) === canonicalJson(restB);
}

function toRecord(stored: StoredEntry): LedgerRecord {
  return {
    index: stored.index,
    id: stored.id,
    leafHash: toBase64(stored.leafHash),
    text: Buffer.from(stored.bytes).toString('utf8'),
    entry: decodeEntry(stored.bytes),
  };
}
