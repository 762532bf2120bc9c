import { join } from 'node:path';
import { hasLedger } from '../data-directory.ts';
import { UsageError } from './exit-codes.ts';

/** The embedded stores live here unless --data-dir or VERDICT_DATA_DIR says otherwise. */
export const DEFAULT_DATA_DIR = process.env.VERDICT_DATA_DIR ?? join(process.cwd(), '.verdict');

/** Read commands call this first: they never create a store where there is none. */
export function requireLedger(dataDir: string): void {
  if (!hasLedger(dataDir))
    throw new UsageError(
      `no ledger at ${dataDir} (run \`verdict demo\` to create one, or point --data-dir or VERDICT_DATA_DIR at your data directory)`,
    );
}
