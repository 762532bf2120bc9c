import { fileURLToPath } from 'node:url';

/**
 * The repository root, where `policies/build/` and the demo samples live. This module sits two folders
 * below it, as does the built CLI (`build/cli/`, see scripts/build-cli.ts), so the same relative URL holds
 * from the sources and from the build. In a Lambda bundle it is meaningless: Lambda is given its paths.
 */
export const SOURCE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
