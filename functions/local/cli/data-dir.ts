import { join } from 'node:path';

/** The embedded stores live here unless --data-dir or VERDICT_DATA_DIR says otherwise. */
export const DEFAULT_DATA_DIR = process.env.VERDICT_DATA_DIR ?? join(process.cwd(), '.verdict');
