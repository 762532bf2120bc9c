/**
 * The deployment gate's policy evaluation, in-process (wasm), against `opa bench` of the same entrypoint on the
 * same input, the baseline. The input is captured from a real request through the saga (requestDeployment over
 * the test saga's local ledger and facts), so it is exactly what the gate evaluates: the credit scorer going to
 * prod with full data capture (allow) and without it (deny).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeploymentRequestInput } from '../functions/contracts/deployment-request.ts';
import { requestDeployment } from '../functions/deployments/request-deployment.ts';
import { cachedPolicyEngine, policyBundlePath } from '../functions/gates/policy/engine-cache.ts';
import { GATE_ENTRYPOINTS } from '../functions/gates/policy/entrypoints.ts';
import type { PolicyEngine } from '../functions/gates/policy/policy-engine.ts';
import { canonicalSha256 } from '../functions/shared/hashing.ts';
import { sagemakerRequest } from '../test/support/deployment-requests.ts';
import { allowedRequest, sagaFixture } from '../test/support/deployment-saga.ts';
import {
  againstOpa,
  benchEvaluate,
  benchOpa,
  OPA_SOURCE_ARGS,
  opa,
  sourcesNewerThanBundle,
} from './policy-evaluation.ts';
import { isMain, perSecond, REPO_ROOT, table, us, writeResult } from './support.ts';

export const PARAMS = {
  /** VERDICT_BENCH_DEPLOYMENT_GATE_N overrides the timed evaluations, for a quick run. */
  evaluate: { warmup: 2_000, n: Number(process.env.VERDICT_BENCH_DEPLOYMENT_GATE_N ?? 20_000) },
};

const ENTRYPOINT = GATE_ENTRYPOINTS.deployment;
const OPA_QUERY = `data.${ENTRYPOINT.replaceAll('/', '.')}`;

const SCENARIOS: { name: string; request: DeploymentRequestInput; decision: string }[] = [
  { name: 'allow', request: allowedRequest, decision: 'allow' },
  { name: 'deny-no-capture', request: sagemakerRequest, decision: 'deny' },
];

/** Requests one deployment through the saga with an engine that records what the gate asks it. */
async function captureDeploymentInput(engine: PolicyEngine, request: DeploymentRequestInput) {
  const f = await sagaFixture();
  let captured: unknown;
  const spy = Object.create(engine) as PolicyEngine;
  spy.evaluate = (entrypoint: string, input: unknown) => {
    captured = input;
    return engine.evaluate(entrypoint, input);
  };
  const deployment = await requestDeployment('bench-req', request, {
    ...f.deps,
    policyEngine: async () => spy,
  });
  if (captured === undefined) throw new Error('the deployment gate evaluated nothing');
  return { input: captured, decision: deployment.decision.decision };
}

export async function runDeploymentGate(): Promise<void> {
  const bundlePath = policyBundlePath();
  const stale = sourcesNewerThanBundle(bundlePath);
  if (stale.length) console.log(`warning: ${stale.join(', ')} changed after the bundle was built`);
  const engine = await cachedPolicyEngine(bundlePath)();
  const opaVersion = opa(['version']).match(/^Version: (.+)$/m)?.[1] ?? 'unknown';
  const work = mkdtempSync(join(tmpdir(), 'verdict-bench-'));
  const results = [];
  try {
    for (const s of SCENARIOS) {
      const { input, decision } = await captureDeploymentInput(engine, s.request);
      if (decision !== s.decision) throw new Error(`scenario ${s.name}: the gate decided ${decision}`);
      const inputPath = join(work, `${s.name}.input.json`);
      writeFileSync(inputPath, JSON.stringify(input));
      const ours = benchEvaluate(engine, input, ENTRYPOINT, PARAMS.evaluate);
      const baseline = benchOpa(inputPath, engine.evaluate(ENTRYPOINT, input), OPA_QUERY);
      if (!baseline.sameResult) throw new Error(`scenario ${s.name}: opa eval and the wasm bundle disagree`);
      results.push({
        scenario: s.name,
        decision,
        inputBytes: JSON.stringify(input).length,
        inputSha256: canonicalSha256(input),
        ...againstOpa(ours, baseline),
      });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }

  const rows = results.flatMap((r) => [
    [
      `${r.scenario}: PolicyEngine.evaluate (wasm, in-process)`,
      us(r.evaluate.latencyNs.p50),
      us(r.evaluate.latencyNs.p99),
      us(r.evaluate.nsPerOp),
      perSecond(r.evaluate.perSecond),
      String(r.ratioOursOverOpa.nsPerOp),
      String(r.ratioOursOverOpa.p50 ?? '-'),
    ],
    [
      `${r.scenario}: opa bench (Go topdown, baseline)`,
      r.opaBench.queryEvalNs.p50 ? us(r.opaBench.queryEvalNs.p50) : '-',
      r.opaBench.queryEvalNs.p99 ? us(r.opaBench.queryEvalNs.p99) : '-',
      us(r.opaBench.nsPerOp),
      perSecond(r.opaBench.perSecond),
      '1',
      '1',
    ],
  ]);
  console.log(
    table(
      `deployment gate evaluation, ${ENTRYPOINT} (N=${PARAMS.evaluate.n} after ${PARAMS.evaluate.warmup} warm-up; opa ${opaVersion})`,
      ['', 'p50 µs', 'p99 µs', 'mean µs', 'ops/s', 'ours/opa mean', 'ours/opa p50'],
      rows,
    ),
  );
  console.log(
    `cpu/wall during the timed loops (below 1 = waiting for a core): ${results
      .map((r) => `${r.scenario} ${r.evaluate.cpuOverWall}`)
      .join('; ')}`,
  );
  const file = writeResult('deployment-gate', {
    parameters: { ...PARAMS, entrypoint: ENTRYPOINT, opaQuery: OPA_QUERY },
    policyBundle: {
      sourcesNewerThanBundle: stale,
      path: bundlePath.replace(REPO_ROOT, ''),
      version: engine.bundle.version,
      sha256: engine.bundle.sha256,
    },
    baseline: {
      tool: `opa ${opaVersion}`,
      command: `scripts/opa.sh bench -f json ${OPA_SOURCE_ARGS.map((a) => (a.includes('*') ? `'${a}'` : a)).join(' ')} -i <input.json> ${OPA_QUERY}`,
      evaluator: 'Go topdown (rego target); the wasm evaluator is not compiled into this opa build',
    },
    scenarios: results,
  });
  console.log(`wrote ${file}`);
}

if (isMain(import.meta.url)) await runDeploymentGate();
