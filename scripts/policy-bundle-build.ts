/**
 * Builds policies into one OPA WebAssembly bundle, reproducibly: `opa build` runs in the policies
 * directory on relative paths, so the same sources give the same bytes (and SHA-256) wherever they are
 * checked out, and an auditor can rebuild the hash a decision cites.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { POLICY_ENTRYPOINTS } from '../functions/gates/policy/entrypoints.ts';

const OPA = join(dirname(fileURLToPath(import.meta.url)), 'opa.sh');

/** Builds `policiesDir` into `out` and returns the bundle's SHA-256. */
export function buildPolicyBundle(policiesDir: string, out: string): string {
  const target = resolve(out);
  mkdirSync(dirname(target), { recursive: true });
  const version = readFileSync(join(policiesDir, 'VERSION'), 'utf8').trim();
  const entrypointArgs = Object.values(POLICY_ENTRYPOINTS).flatMap((entrypoint) => ['-e', entrypoint]);
  execFileSync(
    OPA,
    [
      'build',
      '-t',
      'wasm',
      ...entrypointArgs,
      '--revision',
      version,
      '--ignore',
      '*_test.rego',
      '--ignore',
      'build',
      '-o',
      target,
      '.',
    ],
    { cwd: policiesDir, stdio: ['ignore', 'inherit', 'inherit'] },
  );
  return createHash('sha256').update(readFileSync(target)).digest('hex');
}
