import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root: function entries in functions/routes.ts are relative to it. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));

/** Built by `npm run build:policies` (scripts/build-policies.ts); git-ignored. */
export const DEFAULT_POLICY_BUNDLE_PATH = join(REPO_ROOT, 'policies', 'build', 'bundle.tar.gz');
