/**
 * Builds the `verdict` CLI to JavaScript with esbuild, as the Lambda bundles are, so that a command starts
 * without compiling TypeScript: `build/cli/main.js` and chunks shared by the commands, each command loaded
 * when it runs. The output lies two folders below the repository root, as functions/shared/source-root.ts
 * expects. `bin/verdict.js` runs the build while it is newer than every source, and the sources through
 * tsx otherwise.
 *
 * What a command costs before it does anything is mostly module loading, so the build bundles packages
 * (resolving and compiling hundreds of node_modules files cost more than `verdict gate` itself), minifies
 * as the Lambda bundles do (less source to compile; `build/cli/*.map` maps stack traces back under
 * `NODE_OPTIONS=--enable-source-maps`), leaves out two things the CLI never runs: the X-Ray SDK
 * (scripts/cli-x-ray-disabled.ts) and zod's error messages in languages other than English, and loads
 * `yaml` (for OPA's yaml.* built-ins, which the policies do not call) and commander's child_process on
 * first use only (scripts/cli-lazy-yaml.ts, commanderLazyChildProcess).
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';

const root = fileURLToPath(new URL('../', import.meta.url));
const outdir = join(root, 'build/cli');

/** zod imports its messages in some fifty languages (a third of its code); the CLI speaks English only. */
const zodEnglishOnly: Plugin = {
  name: 'zod-english-only',
  setup(builder) {
    builder.onResolve({ filter: /\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]/.test(args.importer)
        ? { path: join(dirname(args.importer), '../locales/en.js'), namespace: 'zod-english-only' }
        : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: `export { default as en } from ${JSON.stringify(args.path)};`,
      resolveDir: root,
    }));
  },
};

/**
 * commander loads child_process (and with it net, dgram and more, some 4 ms) for executable subcommands,
 * which verdict has none of: it gets `spawn` loaded on the first call instead.
 */
const commanderLazyChildProcess: Plugin = {
  name: 'commander-lazy-child-process',
  setup(builder) {
    builder.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[\\/]commander[\\/]/.test(args.importer)
        ? { path: 'child_process', namespace: 'commander-lazy-child-process' }
        : undefined,
    );
    builder.onLoad({ filter: /.*/, namespace: 'commander-lazy-child-process' }, () => ({
      contents:
        "let loaded; module.exports = { spawn: (...args) => (loaded ??= require('node:child_process')).spawn(...args) };",
      loader: 'js',
    }));
  },
};

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
  minify: true,
  sourcemap: 'linked',
  // A native addon, and a package that reads its font files from beside itself, stay in node_modules.
  external: ['better-sqlite3', 'pdfkit'],
  // Bundled CommonJS packages call require() for Node's built-ins.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
  mainFields: ['module', 'main'],
  alias: { 'aws-xray-sdk-core': './scripts/cli-x-ray-disabled.ts', yaml: './scripts/cli-lazy-yaml.ts' },
  plugins: [zodEnglishOnly, commanderLazyChildProcess],
  metafile: true,
  logLevel: 'warning',
});

// What the build was made from, so that bin/verdict.js can tell when a source is newer. Packages count
// through the lock file (node_modules may be a link, so their paths vary).
const sources = Object.keys(result.metafile.inputs).filter(
  (input) =>
    !input.includes('node_modules/') &&
    !input.startsWith('zod-english-only:') &&
    !input.startsWith('commander-lazy-child-process:'),
);
const usesZodLocales = sources.filter((source) =>
  /\bz\.locales\b|zod\/v4\/locales/.test(readFileSync(join(root, source), 'utf8')),
);
if (usesZodLocales.length)
  throw new Error(
    `the CLI build has zod's English messages only, yet ${usesZodLocales.join(', ')} use(s) z.locales`,
  );
writeFileSync(join(outdir, 'sources.json'), `${JSON.stringify([...sources, 'package-lock.json'])}\n`);
console.log(`cli: build/cli/main.js from ${sources.length} sources`);
