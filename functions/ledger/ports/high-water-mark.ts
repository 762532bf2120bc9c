/**
 * The high-water mark of a log, kept outside its store: the largest checkpoint the log ever signed. A store
 * replaced by an older copy (a restored backup, a file swapped by hand) still holds valid signed checkpoints,
 * only older ones; the anchor is what tells. Locally it is a file next to the SQLite database.
 */
export interface HighWaterMark {
  /** The anchored signed checkpoint note, or undefined when nothing was anchored yet. */
  read(): string | undefined;
  /** Durably records `note` as the high-water mark, unless a larger checkpoint is already anchored. */
  raise(note: string): void;
  /** Where the anchor lives, for messages. */
  readonly location: string;
}
