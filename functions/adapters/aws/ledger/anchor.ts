/**
 * Anchoring signed checkpoints in a separate S3 bucket with Object Lock in COMPLIANCE mode: nobody, the
 * account root included, can delete or overwrite an anchored version before its retention date, so a log
 * operator who later rewrote history (and re-signed it) would contradict checkpoints they can no longer remove.
 *
 *   checkpoints/<size>     the signed note of the checkpoint of that size, as it was when anchored
 *   vkeys/<hex key id>     each verifier key the log signed with: `<name>+<hex id>+<base64 key>` and a newline
 *
 * Objects are written once (`If-None-Match: *`) with an explicit retention date (ObjectLockMode COMPLIANCE,
 * ObjectLockRetainUntilDate = now + retentionDays; GOVERNANCE where `verdict:objectLockMode` says so, outside
 * production); the bucket's default retention covers anything else. A
 * checkpoint already anchored at a size must have the same body (origin, size, root): another body is a fork.
 * Anchoring is periodic: at most once per `intervalMs` per process (default one hour; 0 anchors every checkpoint).
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { ObjectLockMode } from '../../../contracts/environment.ts';
import { keyIdHex, parseVerifierKey } from '../../../ledger/core/note-keys.ts';
import { parseNote } from '../../../ledger/core/signed-note.ts';
import type { StoredCheckpoint } from '../../../ledger/ports/ledger-store.ts';
import { MAX_RETENTION_DAYS } from '../../../shared/environment.ts';
import { WriteOnceBucket } from './write-once-bucket.ts';

export const DEFAULT_ANCHOR_INTERVAL_MS = 60 * 60 * 1000;
const DAY_MS = 86_400_000;

export interface CheckpointAnchorOptions {
  s3: S3Client;
  bucket: string;
  /** Object Lock retention of each anchored object, in days (`verdict:checkpointRetentionDays`). */
  retentionDays: number;
  /** The lock mode of each anchored object (`verdict:objectLockMode`); default COMPLIANCE. */
  mode?: ObjectLockMode;
  intervalMs?: number;
  now?: () => Date;
}

export interface AnchorResult {
  key: string;
  created: boolean;
  retainUntil: Date;
}

function anchorCheckpointKey(size: number): string {
  return `checkpoints/${size}`;
}

function anchorVerifierKeyKey(vkey: string): string {
  return `vkeys/${keyIdHex(parseVerifierKey(vkey).keyId)}`;
}

/** The checkpoint body of a stored note; undefined if it is not a signed note at all. */
function bodyOf(note: Uint8Array): string | undefined {
  try {
    return parseNote(Buffer.from(note).toString('utf8')).text;
  } catch {
    return undefined;
  }
}

export class CheckpointAnchor {
  readonly bucket: WriteOnceBucket;
  readonly retentionDays: number;
  readonly mode: ObjectLockMode;
  readonly intervalMs: number;
  readonly #now: () => Date;
  #lastAnchoredAt: number | undefined;

  constructor(options: CheckpointAnchorOptions) {
    if (
      !Number.isInteger(options.retentionDays) ||
      options.retentionDays < 1 ||
      options.retentionDays > MAX_RETENTION_DAYS
    )
      throw new RangeError(
        `checkpoint retention must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}, got ${options.retentionDays}`,
      );
    this.bucket = new WriteOnceBucket(options.s3, options.bucket);
    this.retentionDays = options.retentionDays;
    this.mode = options.mode ?? 'COMPLIANCE';
    this.intervalMs = options.intervalMs ?? DEFAULT_ANCHOR_INTERVAL_MS;
    this.#now = options.now ?? (() => new Date());
  }

  retainUntil(): Date {
    return new Date(this.#now().getTime() + this.retentionDays * DAY_MS);
  }

  #lock() {
    return { mode: this.mode, retainUntil: this.retainUntil() };
  }

  /** Anchors `checkpoint` if the last anchoring by this process is at least `intervalMs` ago. */
  async maybeAnchor(checkpoint: StoredCheckpoint): Promise<AnchorResult | undefined> {
    const now = this.#now().getTime();
    if (this.#lastAnchoredAt !== undefined && now - this.#lastAnchoredAt < this.intervalMs) return undefined;
    return this.anchor(checkpoint);
  }

  /** Writes the checkpoint to the anchor bucket (once per size); throws if a different body is anchored there. */
  async anchor(checkpoint: StoredCheckpoint): Promise<AnchorResult> {
    const key = anchorCheckpointKey(checkpoint.size);
    const lock = this.#lock();
    const created = await this.bucket.put(key, Buffer.from(checkpoint.note, 'utf8'), {
      contentType: 'text/plain; charset=utf-8',
      lock,
      // Cosignatures may differ between copies; the checkpoint itself may not.
      same: (existing, body) => bodyOf(existing) !== undefined && bodyOf(existing) === bodyOf(body),
      conflict: (uri) =>
        `fork: ${uri} anchors a different checkpoint of size ${checkpoint.size} than the one the log signed now`,
    });
    this.#lastAnchoredAt = this.#now().getTime();
    return { key, created, retainUntil: lock.retainUntil };
  }

  /** Publishes a verifier key next to the checkpoints, so an auditor finds every key the log signed with. */
  async publishVerifierKey(vkey: string): Promise<AnchorResult> {
    const key = anchorVerifierKeyKey(vkey);
    const lock = this.#lock();
    const created = await this.bucket.put(key, Buffer.from(`${vkey}\n`, 'utf8'), {
      contentType: 'text/plain; charset=utf-8',
      lock,
    });
    return { key, created, retainUntil: lock.retainUntil };
  }
}
