/**
 * A witness: an independently held key that cosigns a log's checkpoints, but only after checking that each
 * new checkpoint is consistent with the last one it cosigned for that log. A log that shows the witness one
 * history and an auditor another (a split view) or rewrites its past cannot get both cosigned.
 *
 * The witness keeps, per origin, the last checkpoint it cosigned (size and root) and the log's verifier key
 * (pinned on first use unless given). Its cosignature is an ordinary Ed25519 signed-note signature line over
 * the same checkpoint body, added to the note.
 */
import { parseCheckpoint } from './core/checkpoint.ts';
import { type NoteVerifier, parseVerifierKey } from './core/note-keys.ts';
import { ProofError, verifyConsistency } from './core/proofs.ts';
import { fromBase64, toBase64 } from './core/rfc6962.ts';
import { checkSignatures, cosignNote, describeKey, parseNote } from './core/signed-note.ts';
import type { Signer } from './ports/signer.ts';

export interface WitnessLogState {
  logKeys: string[];
  size: number;
  rootHash: string;
  cosignedAt: string;
}

export interface WitnessState {
  logs: Record<string, WitnessLogState>;
}

export class WitnessRefusal extends Error {
  override readonly name = 'WitnessRefusal';
}

export interface CosignRequest {
  /** The signed checkpoint note to cosign. */
  note: string;
  witness: Signer;
  state: WitnessState;
  /** The log's verifier keys; required the first time a log is seen, pinned afterwards. */
  logKeys?: string[];
  /** Consistency proof from the last cosigned size to this checkpoint's size (base64 hashes). */
  proof?: string[];
  now?: () => Date;
}

export interface CosignResult {
  note: string;
  state: WitnessState;
  origin: string;
  size: number;
  previousSize?: number;
}

export async function cosignCheckpoint(request: CosignRequest): Promise<CosignResult> {
  const note = parseNote(request.note);
  const checkpoint = parseCheckpoint(note.text);
  const { origin, size, rootHash } = checkpoint;
  const known = request.state.logs[origin];
  const keyLines = known?.logKeys ?? request.logKeys;
  if (!keyLines || keyLines.length === 0)
    throw new WitnessRefusal(`first checkpoint seen from ${origin}: pass the log's verifier key to pin it`);
  if (known && request.logKeys?.some((k) => !known.logKeys.includes(k)))
    throw new WitnessRefusal(`the log key given differs from the one pinned for ${origin}`);
  const keys: NoteVerifier[] = keyLines.map(parseVerifierKey);
  const sigs = checkSignatures(note, keys);
  if (sigs.invalid.length > 0 || sigs.verified.length === 0)
    throw new WitnessRefusal(
      `checkpoint ${size} of ${origin} has no valid signature by the log key (${keys.map(describeKey).join(', ')})`,
    );

  if (known) {
    const lastRoot = fromBase64(known.rootHash) as Uint8Array;
    if (size < known.size)
      throw new WitnessRefusal(
        `checkpoint ${size} of ${origin} is older than the last cosigned checkpoint (size ${known.size}): refusing to go back`,
      );
    try {
      verifyConsistency(known.size, size, lastRoot, rootHash, (request.proof ?? []).map(decodeHash));
    } catch (error) {
      if (!(error instanceof ProofError)) throw error;
      throw new WitnessRefusal(
        `checkpoint ${size} of ${origin} is not consistent with the last cosigned checkpoint (size ${known.size}): ${error.message}`,
      );
    }
  }

  const cosigned = await cosignNote(request.note, request.witness);
  const state: WitnessState = {
    logs: {
      ...request.state.logs,
      [origin]: {
        logKeys: keyLines,
        size,
        rootHash: toBase64(rootHash),
        cosignedAt: (request.now ?? (() => new Date()))().toISOString(),
      },
    },
  };
  return { note: cosigned, state, origin, size, ...(known ? { previousSize: known.size } : {}) };
}

function decodeHash(text: string): Uint8Array {
  const hash = fromBase64(text);
  if (!hash) throw new WitnessRefusal(`consistency proof hash "${text}" is not base64`);
  return hash;
}
