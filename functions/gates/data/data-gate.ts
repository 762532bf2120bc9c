/**
 * The data gate: a dataset version registered with its manifest is decided by the `data` policy family
 * (manifest truthful about its columns and personal data, a legal basis, subject keys, Art. 10(2)(f) bias
 * thresholds per risk class). The decision has the common shape, subject kind `dataset-version`, for the
 * caller to record in the ledger. It fails closed: a bundle that cannot be loaded or trusted, or an
 * evaluation that fails, denies.
 */
import { type Decision, policyResultSchema } from '../../contracts/decision.ts';
import { canonicalSha256, deterministicId } from '../../shared/hashing.ts';
import { GATE_ENTRYPOINTS } from '../policy/entrypoints.ts';
import { evaluateGate } from '../policy/evaluate-gate.ts';
import type { PolicyEngine } from '../policy/policy-engine.ts';
import type { DataGateInput } from './data-input.ts';

export const DATA_GATE = 'data';

/** Where a registration came from, for the decision's trigger. */
export const DATASET_REGISTRATION = { source: 'verdict.datasets', detailType: 'Dataset Version Registered' };

const CANNOT_DECIDE_REMEDIATION =
  'Fix the cause named in the message, then register the dataset version again to re-run the gate.';

export interface DataGateDeps {
  policyEngine: () => Promise<PolicyEngine>;
  now: () => Date;
}

/**
 * A dataset version is the data and the manifest it was registered with: its id is the dataset's name, the
 * first 64 bits of the data's SHA-256 and the first 32 bits of the manifest's. The same data registered with
 * a corrected manifest is a new version with its own decision; the same data and manifest, the same one.
 */
export function datasetVersionId(name: string, sha256: string, manifestSha256: string): string {
  return `${name}@${sha256.slice(0, 16)}.${manifestSha256.slice(0, 8)}`;
}

/** One decision per dataset version: registering the same data and manifest again finds it. */
export function dataDecisionId(versionId: string): string {
  return deterministicId(DATA_GATE, versionId);
}

export async function decideData(input: DataGateInput, deps: DataGateDeps): Promise<Decision> {
  const entrypoint = GATE_ENTRYPOINTS.data;
  const { dataset } = input;
  const manifestSha256 = canonicalSha256(input.manifest);
  const versionId = datasetVersionId(dataset.name, dataset.sha256, manifestSha256);
  const subject = {
    kind: 'dataset-version' as const,
    id: versionId,
    group: dataset.name,
    version: versionId.slice(dataset.name.length + 1),
  };
  const id = dataDecisionId(versionId);
  const started = Date.now();
  const evaluation = await evaluateGate(
    { entrypoint, subject, input, schema: policyResultSchema },
    deps.policyEngine,
  );
  const base = {
    id,
    gate: DATA_GATE,
    subject,
    evaluatedAt: deps.now().toISOString(),
    trigger: { eventId: id, ...DATASET_REGISTRATION },
    obligations: [],
    policy: evaluation.policy,
    inputSha256: evaluation.inputSha256,
  };
  if (!evaluation.ok) {
    const violation = { ...evaluation.violation, remediation: CANNOT_DECIDE_REMEDIATION };
    return { ...base, decision: 'deny', riskClass: input.manifest.riskClass, violations: [violation] };
  }
  const { result } = evaluation;
  return {
    ...base,
    decision: result.decision,
    riskClass: result.riskClass ?? input.manifest.riskClass,
    violations: result.violations,
    evaluationMs: Date.now() - started,
  };
}
