/** The local data directory: created on first use (mode 0700), and refused in one sentence when unusable. */
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

/** The data directory cannot be created, read or written (a read-only file system, permissions). */
export class DataDirectoryError extends Error {
  override readonly name = 'DataDirectoryError';
  constructor(dataDir: string, cause: NodeJS.ErrnoException) {
    const reason = REASONS[cause.code ?? ''] ?? cause.message;
    super(`the data directory ${dataDir} cannot be used: ${reason} (set --data-dir or VERDICT_DATA_DIR)`, {
      cause,
    });
  }
}

const REASONS: Record<string, string> = {
  EROFS: 'read-only file system',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on device',
  // What mkdir -p reports under a read-only mount point
  ENOENT: 'it does not exist and cannot be created',
  ENOTDIR: 'a path component is a file',
};

/** Creates the directory if missing and checks it can be read and written; DataDirectoryError otherwise. */
export function ensureDataDirectory(dataDir: string): void {
  try {
    mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    accessSync(dataDir, constants.R_OK | constants.W_OK);
  } catch (error) {
    throw new DataDirectoryError(dataDir, error as NodeJS.ErrnoException);
  }
}

/** Whether the data directory holds an audit ledger (only the writing commands create one). */
export function hasLedger(dataDir: string): boolean {
  return existsSync(join(dataDir, 'ledger', 'ledger.db'));
}
