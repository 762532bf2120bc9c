import { readFile } from 'node:fs/promises';
import { policyBundlePath } from '../policy/engine-cache.ts';
import { PolicyBundleError } from '../policy/errors.ts';
import { loadPolicyBundle } from '../policy/policy-bundle.ts';
import { RuleCatalogue } from './rule-catalogue.ts';

/** The rule catalogue of the policy bundle the gate evaluates (policies/build, or VERDICT_POLICY_BUNDLE). */
export async function bundleRuleCatalogue(path: string = policyBundlePath()): Promise<RuleCatalogue> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw new PolicyBundleError(
      `the policy bundle ${path} cannot be read (build it with npm run build:policies): ${(error as Error).message}`,
    );
  }
  return RuleCatalogue.fromPolicyData(loadPolicyBundle(bytes).data);
}
