/**
 * Compiles policies/ into one OPA WebAssembly bundle (policies/build/bundle.tar.gz) with one entrypoint
 * per gate and per query (classify), records its SHA-256 in policies/build/bundle.sha256 (the local pin:
 * the gate evaluates no other bundle) and prints the hash and version. Every decision carries both.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPolicyBundle } from '../functions/gates/policy/policy-bundle.ts';
import { buildPolicyBundle } from './policy-bundle-build.ts';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const policies = join(root, 'policies');
const out = join(policies, 'build', 'bundle.tar.gz');

const sha256 = buildPolicyBundle(policies, out);
writeFileSync(join(policies, 'build', 'bundle.sha256'), `${sha256}\n`);
const bundle = loadPolicyBundle(readFileSync(out));
console.error(`policies: ${out}\n  version ${bundle.version}\n  sha256  ${bundle.sha256}`);
