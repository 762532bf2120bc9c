import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { once } from '../../shared/once.ts';
import { SOURCE_ROOT } from '../../shared/source-root.ts';
import { PolicyBundleUntrustedError } from './errors.ts';
import { loadPolicyBundle } from './policy-bundle.ts';
import { PolicyEngine } from './policy-engine.ts';

/** Where `npm run build:policies` writes the bundle; Lambda sets VERDICT_POLICY_BUNDLE to its packaged copy. */
export function policyBundlePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.VERDICT_POLICY_BUNDLE ?? join(SOURCE_ROOT, 'policies/build/bundle.tar.gz');
}

/** Where `npm run build:policies` records the SHA-256 of the bundle it built. */
export const LOCAL_BUNDLE_PIN = join(SOURCE_ROOT, 'policies/build/bundle.sha256');

/**
 * The SHA-256 the bundle must have: VERDICT_POLICY_BUNDLE_SHA256 (set by the deployment), else the hash
 * the local build recorded. Undefined when neither is there.
 */
async function expectedBundleSha256(
  env: NodeJS.ProcessEnv = process.env,
  localPin: string = LOCAL_BUNDLE_PIN,
): Promise<{ sha256: string; from: string } | undefined> {
  const pinned = env.VERDICT_POLICY_BUNDLE_SHA256?.trim();
  if (pinned) return { sha256: pinned.toLowerCase(), from: 'VERDICT_POLICY_BUNDLE_SHA256' };
  try {
    const recorded = (await readFile(localPin, 'utf8')).trim().toLowerCase();
    return recorded ? { sha256: recorded, from: localPin } : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Loads the engine once per process and reuses it, but only for the bundle whose SHA-256 is pinned
 * (expectedBundleSha256). A failed load is not cached: the next event tries again, and until one
 * succeeds every gate denies.
 */
export function cachedPolicyEngine(
  path: string,
  env: NodeJS.ProcessEnv = process.env,
  localPin: string = LOCAL_BUNDLE_PIN,
): () => Promise<PolicyEngine> {
  return once(async () => {
    const bundle = loadPolicyBundle(await readFile(path));
    const expected = await expectedBundleSha256(env, localPin);
    if (!expected) {
      throw new PolicyBundleUntrustedError(
        `policy bundle ${bundle.sha256} is not pinned: set VERDICT_POLICY_BUNDLE_SHA256 or build the policies (npm run build:policies records ${localPin})`,
        bundle.sha256,
      );
    }
    if (expected.sha256 !== bundle.sha256) {
      throw new PolicyBundleUntrustedError(
        `policy bundle ${bundle.sha256} is not the pinned bundle ${expected.sha256} (${expected.from})`,
        bundle.sha256,
      );
    }
    return PolicyEngine.load(bundle);
  });
}
