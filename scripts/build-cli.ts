/**
 * Builds the `verdict` CLI to JavaScript with esbuild, as the Lambda bundles are, so that a command starts
 * without compiling TypeScript: `build/cli/main.js` and one chunk per command, loaded when it runs.
 * Packages stay in node_modules. The output lies two folders below the repository root, as
 * functions/shared/source-root.ts expects. `bin/verdict.js` runs the build while it is newer than every
 * source, and the sources through tsx otherwise.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));
const outdir = join(root, 'build/cli');

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: ['functions/local/cli/main.ts'],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  packages: 'external',
  metafile: true,
  logLevel: 'warning',
});
// What the build was made from, so that bin/verdict.js can tell when a source is newer.
const sources = Object.keys(result.metafile.inputs).filter((input) => !input.startsWith('node_modules/'));
writeFileSync(join(outdir, 'sources.json'), `${JSON.stringify(sources)}\n`);
console.log(`cli: build/cli/main.js from ${sources.length} sources`);
