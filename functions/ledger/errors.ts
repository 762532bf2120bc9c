/** Errors a ledger caller can catch by class. */

/** The entry cannot go into the log (not JSON data, too large, no id). */
export class InvalidEntryError extends Error {
  override readonly name = 'InvalidEntryError';
}

/**
 * Signing was refused: the new checkpoint would not be consistent with the last signed one (a fork or a
 * rollback of the store). Nothing was signed.
 */
export class InconsistentCheckpointError extends Error {
  override readonly name = 'InconsistentCheckpointError';
}

/**
 * A checkpoint smaller than one already published, from a writer that read the head before another writer
 * appended and signed more: the newer checkpoint covers its entries, so the signer uses that one instead.
 */
export class StaleCheckpointError extends InconsistentCheckpointError {}

/** No such entry index, or a proof for sizes the log does not have. */
export class LedgerRangeError extends RangeError {
  override readonly name = 'LedgerRangeError';
}

/** A read-only ledger found no log to read: nothing was ever recorded. Readers answer as for an empty log. */
export class NoLogYetError extends Error {
  override readonly name = 'NoLogYetError';
}
