import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { cachedPolicyEngine, policyBundlePath } from '../gates/policy/engine-cache.ts';
import type { PolicyEngine } from '../gates/policy/policy-engine.ts';
import { SOURCE_ROOT } from '../shared/source-root.ts';

const POLICIES_DIR = join(SOURCE_ROOT, 'policies');

/** The files the policy build reads: Rego sources (not the tests), data documents and VERSION. */
function isPolicyInput(name: string): boolean {
  return (
    (name.endsWith('.rego') && !name.endsWith('_test.rego')) || name === 'data.json' || name === 'VERSION'
  );
}

/** The most recently modified policy input under `policiesDir` (its `build/` excluded), if any is newer than `sinceMs`. */
export function newestPolicyInputAfter(
  policiesDir: string,
  sinceMs: number,
): { path: string; mtimeMs: number } | undefined {
  let newest: { path: string; mtimeMs: number } | undefined;
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (path !== join(policiesDir, 'build')) walk(path);
      } else if (isPolicyInput(entry.name)) {
        const { mtimeMs } = statSync(path);
        if (mtimeMs > sinceMs && mtimeMs > (newest?.mtimeMs ?? 0)) newest = { path, mtimeMs };
      }
    }
  };
  walk(policiesDir);
  return newest;
}

/**
 * The warning to print when a policy source changed after `bundle` was built from `policiesDir`: the gate
 * would otherwise evaluate the old rules without a word. Undefined when the bundle is current or absent
 * (a missing bundle fails on its own, as `gate.bundle_untrusted`).
 */
export function staleBundleWarning(bundle: string, policiesDir: string = POLICIES_DIR): string | undefined {
  let builtAt: number;
  try {
    builtAt = statSync(bundle).mtimeMs;
  } catch {
    return undefined;
  }
  const newest = newestPolicyInputAfter(policiesDir, builtAt);
  if (!newest) return undefined;
  const changed = relative(process.cwd(), newest.path) || newest.path;
  return `warning: ${changed} changed after the policy bundle was built (${relative(process.cwd(), bundle) || bundle}); the gate evaluates the old bundle until you run npm run build:policies`;
}

/**
 * The policy engine of local runs (CLI, demo, `verdict serve`): the pinned bundle of `policies/build/`,
 * with a warning on stderr, once, when a policy source is newer than it. An explicitly given bundle
 * (VERDICT_POLICY_BUNDLE or `bundle`) is not compared with `policies/`. Lambda does not use this.
 */
export function localPolicyEngine(
  bundle?: string,
  warn: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): () => Promise<PolicyEngine> {
  const path = bundle ?? policyBundlePath();
  const load = cachedPolicyEngine(path);
  let checked = bundle !== undefined || process.env.VERDICT_POLICY_BUNDLE !== undefined;
  return () => {
    if (!checked) {
      checked = true;
      const warning = staleBundleWarning(path);
      if (warning) warn(warning);
    }
    return load();
  };
}
