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
  // Packages are bundled too: resolving and compiling hundreds of node_modules files cost more than the
  // command itself. Native addons and packages that read their own files next to them stay outside.
  external: ['better-sqlite3', 'pdfkit'],
  // Bundled CommonJS packages call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  mainFields: ['module', 'main'],
  alias: { 'aws-xray-sdk-core': './scripts/cli-x-ray-disabled.ts' },
  metafile: true,
  sourcemap: process.env.CLI_SOURCEMAP === '1',
  logLevel: 'warning',
});
// What the build was made from, so that bin/verdict.js can tell when a source is newer.
// Packages count through the lock file (node_modules may be a link, so their paths vary).
const sources = [
  ...Object.keys(result.metafile.inputs).filter((input) => !input.includes('node_modules/')),
  'package-lock.json',
];
writeFileSync(join(outdir, 'sources.json'), `${JSON.stringify(sources)}\n`);
console.log(`cli: build/cli/main.js from ${sources.length} sources`);
