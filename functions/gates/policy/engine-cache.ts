import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { once } from '../../shared/once.ts';
import { loadPolicyBundle } from './policy-bundle.ts';
import { PolicyEngine } from './policy-engine.ts';

/** Where `npm run build:policies` writes the bundle; Lambda sets VERDICT_POLICY_BUNDLE to its packaged copy. */
export function policyBundlePath(env: NodeJS.ProcessEnv = process.env): string {
  return (
    env.VERDICT_POLICY_BUNDLE ??
    fileURLToPath(new URL('../../../policies/build/bundle.tar.gz', import.meta.url))
  );
}

/**
 * Loads the engine once per process and reuses it. A failed load is not cached: the next event tries again,
 * and until one succeeds every gate denies.
 */
export function cachedPolicyEngine(path: string): () => Promise<PolicyEngine> {
  return once(async () => PolicyEngine.load(loadPolicyBundle(await readFile(path))));
}
