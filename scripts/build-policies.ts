/**
 * Compiles policies/ into one OPA WebAssembly bundle (policies/build/bundle.tar.gz) with one entrypoint
 * per gate and per query (classify), and prints its SHA-256 and version. Every decision carries both.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { POLICY_ENTRYPOINTS } from '../functions/gates/policy/entrypoints.ts';
import { loadPolicyBundle } from '../functions/gates/policy/policy-bundle.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const policies = join(root, 'policies');
const out = join(policies, 'build', 'bundle.tar.gz');
const version = readFileSync(join(policies, 'VERSION'), 'utf8').trim();

mkdirSync(dirname(out), { recursive: true });
const entrypointArgs = Object.values(POLICY_ENTRYPOINTS).flatMap((entrypoint) => ['-e', entrypoint]);
execFileSync(
  join(root, 'scripts', 'opa.sh'),
  [
    'build',
    '-t',
    'wasm',
    ...entrypointArgs,
    '--revision',
    version,
    '--ignore',
    '*_test.rego',
    '-o',
    out,
    policies,
  ],
  { stdio: 'inherit' },
);

const bundle = loadPolicyBundle(readFileSync(out));
console.error(`policies: ${out}\n  version ${bundle.version}\n  sha256  ${bundle.sha256}`);
