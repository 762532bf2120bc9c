/**
 * Signing checkpoints, and refusing to sign one that is inconsistent with the last signed checkpoint.
 *
 * Before signing the tree head, the checkpointer reads the latest stored checkpoint, checks its signature
 * against the log's known keys (a row edited in the store does not count), and verifies an RFC 9162
 * consistency proof, built from the stored nodes, from that checkpoint to the new head. Only then does it sign.
 * A head behind the last checkpoint (a store rolled back) or a different root at the same size (a fork) is
 * refused the same way: nothing is signed and InconsistentCheckpointError is thrown.
 */
import { type Checkpoint, encodeCheckpoint, parseCheckpoint } from './core/checkpoint.ts';
import { rootOf } from './core/integrate.ts';
import { type NoteVerifier, parseVerifierKey } from './core/note-keys.ts';
import { consistencyProof, ProofError, verifyConsistency } from './core/proofs.ts';
import { hashesEqual } from './core/rfc6962.ts';
import { checkSignatures, describeKey, parseNote, signNote } from './core/signed-note.ts';
import { InconsistentCheckpointError, StaleCheckpointError } from './errors.ts';
import type { LedgerStore, StoredCheckpoint } from './ports/ledger-store.ts';
import type { Signer } from './ports/signer.ts';

export interface SignedCheckpoint extends Checkpoint {
  note: string;
}

export class Checkpointer {
  constructor(
    readonly store: LedgerStore,
    readonly signer: Signer,
    readonly origin: string,
  ) {}

  /** The latest stored checkpoint, after checking its signature and origin. */
  async latest(): Promise<SignedCheckpoint | undefined> {
    const stored = await this.store.latestCheckpoint();
    return stored ? this.open(stored) : undefined;
  }

  /** Opens a stored checkpoint: its note must carry a valid signature by one of the log's keys. */
  async open(stored: StoredCheckpoint): Promise<SignedCheckpoint> {
    const note = parseNote(stored.note);
    const checkpoint = parseCheckpoint(note.text);
    const keys = await this.logVerifiers();
    const { verified, invalid } = checkSignatures(note, keys);
    if (invalid.length > 0 || verified.length === 0)
      throw new InconsistentCheckpointError(
        `stored checkpoint ${stored.size} has no valid signature by the log's keys (${invalid.map(describeKey).join(', ') || 'none found'})`,
      );
    if (checkpoint.origin !== this.origin || checkpoint.size !== stored.size)
      throw new InconsistentCheckpointError(
        `stored checkpoint ${stored.size} does not belong to ${this.origin}`,
      );
    return { ...checkpoint, note: stored.note };
  }

  readonly #verifiers = new Map<string, NoteVerifier>();

  async logVerifiers(): Promise<NoteVerifier[]> {
    return (await this.store.verifierKeys()).map((vkey) => {
      let verifier = this.#verifiers.get(vkey);
      if (!verifier) {
        verifier = parseVerifierKey(vkey);
        this.#verifiers.set(vkey, verifier);
      }
      return verifier;
    });
  }

  /** Signs and stores a checkpoint of the current head, unless the latest already covers it. */
  async sign(): Promise<SignedCheckpoint> {
    // The latest checkpoint first, then the head: the head only grows, so it is never behind a checkpoint
    // read before it. Read the other way round, a writer that appended and signed in between looks like a
    // rollback, and a committed entry is reported as failed.
    const last = await this.latest();
    const head = await this.store.head();
    const rootHash = rootOf(head);
    if (last) {
      if (last.size > head.size)
        throw new InconsistentCheckpointError(
          `refusing to sign: the tree head (size ${head.size}) is behind the last signed checkpoint (size ${last.size})`,
        );
      if (last.size === head.size) {
        if (hashesEqual(last.rootHash, rootHash)) return last;
        throw new InconsistentCheckpointError(
          `refusing to sign: the tree of size ${head.size} has a different root than the signed checkpoint of that size (a fork)`,
        );
      }
      const proof = await consistencyProof(this.store, last.size, head.size);
      try {
        verifyConsistency(last.size, head.size, last.rootHash, rootHash, proof);
      } catch (error) {
        if (!(error instanceof ProofError)) throw error;
        throw new InconsistentCheckpointError(
          `refusing to sign size ${head.size}: not consistent with the signed checkpoint of size ${last.size}: ${error.message}`,
        );
      }
    }
    const body = encodeCheckpoint({ origin: this.origin, size: head.size, rootHash });
    const note = await signNote(body, [this.signer]);
    const own = checkSignatures(parseNote(note), [parseVerifierKey(this.signer.verifierKey)]);
    if (own.verified.length !== 1)
      throw new Error(`signer ${this.signer.verifierKey} produced an invalid signature`);
    let stored: StoredCheckpoint;
    try {
      ({ stored } = await this.store.publishCheckpoint({ size: head.size, rootHash, note }));
    } catch (error) {
      if (!(error instanceof StaleCheckpointError)) throw error;
      const newer = await this.latest();
      if (newer && newer.size >= head.size) return newer;
      throw error;
    }
    if (!hashesEqual(stored.rootHash, rootHash))
      throw new InconsistentCheckpointError(
        `another checkpoint of size ${head.size} with a different root exists`,
      );
    return this.open(stored);
  }
}
