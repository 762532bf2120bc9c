/**
 * Policy evaluation and warm gate decisions, in-process, against the pinned OPA CLI as the baseline.
 *
 * The policy input is captured from a real gate run (gateModelPackage over the in-memory local adapters),
 * so it is exactly what the gate evaluates. Two scenarios: the credit-scorer profile with its own Clarify
 * report (allow) and with the cv-ranker Clarify report (deny: a disparate-impact violation to explain).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type ModelPackageStateChangeEvent,
  modelPackageStateChangeEventSchema,
} from '../functions/contracts/model-package-state-change.ts';
import type { ModelPackageSnapshot } from '../functions/events/model-package-event.ts';
import { gateModelPackage } from '../functions/gates/model-registry/model-registry-gate.ts';
import { cachedPolicyEngine, policyBundlePath } from '../functions/gates/policy/engine-cache.ts';
import { GATE_ENTRYPOINTS, QUERY_ENTRYPOINTS } from '../functions/gates/policy/entrypoints.ts';
import { loadPolicyBundle } from '../functions/gates/policy/policy-bundle.ts';
import { PolicyEngine } from '../functions/gates/policy/policy-engine.ts';
import { canonicalSha256 } from '../functions/shared/hashing.ts';
import { gateFixture, sample } from '../test/support/gate-fixture.ts';
import {
  isMain,
  ms,
  perSecond,
  REPO_ROOT,
  rounded,
  type Summary,
  summarize,
  table,
  us,
  writeResult,
} from './support.ts';

export const PARAMS = {
  evaluate: { warmup: 2_000, n: 20_000 },
  gate: { warmup: 200, n: 2_000 },
  engineLoads: 5,
};

const ENTRYPOINT = GATE_ENTRYPOINTS.model_registry;
const OPA_QUERY = `data.${ENTRYPOINT.replaceAll('/', '.')}`;
const OPA = join(REPO_ROOT, 'scripts', 'opa.sh');
/** Same policies and data the bundle is built from (build/ holds the bundle itself, tests are not in it). */
export const OPA_SOURCE_ARGS = ['-d', 'policies/', '--ignore', '*_test.rego', '--ignore', 'build'];

export interface Scenario {
  name: string;
  profile: string;
  report: string;
  expect: { decision: string; approvalStatus: string; rules: string[] };
}

export const SCENARIOS: Scenario[] = [
  {
    name: 'allow',
    profile: 'credit-scorer.profile.json',
    report: 'credit-scorer.analysis.json',
    expect: { decision: 'allow', approvalStatus: 'Approved', rules: [] },
  },
  {
    name: 'deny-bias',
    profile: 'credit-scorer.profile.json',
    report: 'cv-ranker.analysis.json',
    expect: {
      decision: 'deny',
      approvalStatus: 'Rejected',
      rules: ['bias.difference_in_positive_proportions', 'bias.disparate_impact', 'bias.recall_difference'],
    },
  },
];

type Fixture = ReturnType<typeof gateFixture>;

function now(): bigint {
  return process.hrtime.bigint();
}

function eventFor(f: Fixture, pkg: ModelPackageSnapshot, id: string): ModelPackageStateChangeEvent {
  return modelPackageStateChangeEventSchema.parse(f.registry.toStateChangeEvent(pkg, { id }));
}

/** Registers `count` versions of one model package group whose inputs are the scenario's samples. */
async function registerVersions(
  f: Fixture,
  s: Scenario,
  count: number,
): Promise<ModelPackageStateChangeEvent[]> {
  const group = `bench-${s.name}`;
  const first = await f.register(group, { profile: sample(s.profile), report: sample(s.report) });
  const events = [eventFor(f, first, `${group}-1`)];
  for (let i = 2; i <= count; i++) {
    const pkg = await f.registry.createModelPackage({
      groupName: group,
      customerMetadata: first.customerMetadata,
      biasReports: first.biasReports,
    });
    events.push(eventFor(f, pkg, `${group}-${i}`));
  }
  return events;
}

function checkOutcome(s: Scenario, outcome: Awaited<ReturnType<typeof gateModelPackage>>): void {
  const ok =
    outcome.status === 'decided' &&
    outcome.decision.decision === s.expect.decision &&
    outcome.approvalStatus === s.expect.approvalStatus &&
    JSON.stringify(outcome.decision.violations.map((v) => v.rule)) === JSON.stringify(s.expect.rules);
  if (!ok) throw new Error(`scenario ${s.name}: unexpected gate outcome ${JSON.stringify(outcome)}`);
}

/** Runs the gate once with an engine that records what it is asked to evaluate. */
export async function captureGateInput(engine: PolicyEngine, s: Scenario): Promise<unknown> {
  const f = gateFixture();
  const [event] = await registerVersions(f, s, 1);
  let captured: unknown;
  const spy = Object.create(engine) as PolicyEngine;
  spy.evaluate = (entrypoint: string, input: unknown) => {
    captured = input;
    return engine.evaluate(entrypoint, input);
  };
  checkOutcome(
    s,
    await gateModelPackage(event as ModelPackageStateChangeEvent, {
      ...f.deps,
      policyEngine: async () => spy,
    }),
  );
  f.db.close();
  if (captured === undefined) throw new Error(`scenario ${s.name}: the gate evaluated nothing`);
  return captured;
}

/**
 * CPU time this process got over the wall time of a loop. Well below 1 means it waited for a core (other work
 * on the machine), which inflates the tail percentiles.
 */
export function cpuShare(since: NodeJS.CpuUsage, wallNs: number): number {
  const { user, system } = process.cpuUsage(since);
  return Math.round(((user + system) * 1e3 * 100) / wallNs) / 100;
}

export function benchEvaluate(
  engine: PolicyEngine,
  input: unknown,
  entrypoint: string = ENTRYPOINT,
  iterations: { warmup: number; n: number } = PARAMS.evaluate,
) {
  const { warmup, n } = iterations;
  for (let i = 0; i < warmup; i++) engine.evaluate(entrypoint, input);
  const samples = new Array<number>(n);
  const cpu = process.cpuUsage();
  const start = now();
  for (let i = 0; i < n; i++) {
    const t0 = now();
    engine.evaluate(entrypoint, input);
    samples[i] = Number(now() - t0);
  }
  const wallNs = Number(now() - start);
  const cpuOverWall = cpuShare(cpu, wallNs);
  return { latencyNs: summarize(samples), perSecond: n / (wallNs / 1e9), nsPerOp: wallNs / n, cpuOverWall };
}

async function benchGate(engine: PolicyEngine, s: Scenario) {
  const { warmup, n } = PARAMS.gate;
  const f = gateFixture();
  const events = await registerVersions(f, s, warmup + n);
  const deps = { ...f.deps, policyEngine: async () => engine };
  for (let i = 0; i < warmup; i++)
    checkOutcome(s, await gateModelPackage(events[i] as ModelPackageStateChangeEvent, deps));
  const samples = new Array<number>(n);
  const cpu = process.cpuUsage();
  const start = now();
  for (let i = 0; i < n; i++) {
    const t0 = now();
    const outcome = await gateModelPackage(events[warmup + i] as ModelPackageStateChangeEvent, deps);
    samples[i] = Number(now() - t0);
    checkOutcome(s, outcome);
  }
  const wallNs = Number(now() - start);
  const cpuOverWall = cpuShare(cpu, wallNs);
  f.db.close();
  return { latencyNs: summarize(samples), perSecond: n / (wallNs / 1e9), cpuOverWall };
}

export function opa(args: string[]): string {
  return execFileSync(OPA, args, { cwd: REPO_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
}

interface OpaBench {
  N: number;
  T: number;
  Extra?: Record<string, number>;
}

const roundOrNull = (n: number | undefined) => (n === undefined ? null : Math.round(n));

export function benchOpa(inputPath: string, ours: unknown, query: string = OPA_QUERY) {
  const evaluated = JSON.parse(opa(['eval', '-f', 'json', ...OPA_SOURCE_ARGS, '-i', inputPath, query])) as {
    result?: { expressions: { value: unknown }[] }[];
  };
  const opaResult = evaluated.result?.[0]?.expressions[0]?.value;
  const sameResult = canonicalSha256(opaResult ?? null) === canonicalSha256(ours);
  const raw = JSON.parse(
    opa(['bench', '-f', 'json', ...OPA_SOURCE_ARGS, '-i', inputPath, query]),
  ) as OpaBench;
  const extra = raw.Extra ?? {};
  return {
    sameResult,
    n: raw.N,
    nsPerOp: raw.T / raw.N,
    perSecond: raw.N / (raw.T / 1e9),
    queryEvalNs: {
      p50: roundOrNull(extra.histogram_timer_rego_query_eval_ns_median),
      p99: roundOrNull(extra['histogram_timer_rego_query_eval_ns_99%']),
    },
    allocsPerOp: Math.round(((raw as { MemAllocs?: number }).MemAllocs ?? 0) / raw.N),
  };
}

/** Our in-process evaluation beside `opa bench` on the same input, as the results JSON records them. */
export function againstOpa(ours: ReturnType<typeof benchEvaluate>, baseline: ReturnType<typeof benchOpa>) {
  const ratio = (a: number, b: number | null | undefined) => (b ? Math.round((a / b) * 1000) / 1000 : null);
  return {
    evaluate: {
      latencyNs: rounded(ours.latencyNs, 0),
      perSecond: Math.round(ours.perSecond),
      nsPerOp: Math.round(ours.nsPerOp),
      cpuOverWall: ours.cpuOverWall,
    },
    opaBench: {
      ...baseline,
      nsPerOp: Math.round(baseline.nsPerOp),
      perSecond: Math.round(baseline.perSecond),
    },
    ratioOursOverOpa: {
      nsPerOp: ratio(ours.nsPerOp, baseline.nsPerOp) as number,
      p50: ratio(ours.latencyNs.p50, baseline.queryEvalNs.p50),
      p99: ratio(ours.latencyNs.p99, baseline.queryEvalNs.p99),
    },
  };
}

/**
 * Policy sources (non-test .rego and data.json under policies/) modified after the bundle was built: opa bench
 * reads the sources, our engine the bundle. `npm run bench` rebuilds the bundle first.
 */
export function sourcesNewerThanBundle(bundlePath: string): string[] {
  const built = statSync(bundlePath).mtimeMs;
  const policies = join(REPO_ROOT, 'policies');
  return (readdirSync(policies, { recursive: true }) as string[])
    .filter((f) => !f.startsWith('build') && (f.endsWith('.rego') || f.endsWith('data.json')))
    .filter((f) => !f.endsWith('_test.rego') && statSync(join(policies, f)).mtimeMs > built)
    .map((f) => `policies/${f}`);
}

async function measureEngineLoads(path: string): Promise<Summary> {
  const bytes = readFileSync(path);
  const samples: number[] = [];
  for (let i = 0; i < PARAMS.engineLoads; i++) {
    const t0 = now();
    await PolicyEngine.load(loadPolicyBundle(bytes));
    samples.push(Number(now() - t0));
  }
  return summarize(samples);
}

/** The classification entrypoint (`verdict classify`) on the credit scorer's profile, ours against opa. */
async function benchClassify(engine: PolicyEngine, work: string) {
  const entrypoint = QUERY_ENTRYPOINTS.classify;
  const input = {
    profile: JSON.parse(
      readFileSync(join(REPO_ROOT, 'functions/local/demo/samples/credit-scorer.profile.json'), 'utf8'),
    ),
    asOf: '2026-11-28',
  };
  const inputPath = join(work, 'classify.input.json');
  writeFileSync(inputPath, JSON.stringify(input));
  const ours = benchEvaluate(engine, input, entrypoint);
  const baseline = benchOpa(
    inputPath,
    engine.evaluate(entrypoint, input),
    `data.${entrypoint.replaceAll('/', '.')}`,
  );
  if (!baseline.sameResult) throw new Error('classify: opa eval and the wasm bundle disagree');
  return {
    entrypoint,
    evaluate: {
      latencyNs: rounded(ours.latencyNs, 0),
      perSecond: Math.round(ours.perSecond),
      nsPerOp: Math.round(ours.nsPerOp),
    },
    opaBench: {
      ...baseline,
      nsPerOp: Math.round(baseline.nsPerOp),
      perSecond: Math.round(baseline.perSecond),
    },
    ratioOursOverOpa: Math.round((ours.nsPerOp / baseline.nsPerOp) * 1000) / 1000,
  };
}

export async function runPolicyEvaluation(): Promise<void> {
  const bundlePath = policyBundlePath();
  const stale = sourcesNewerThanBundle(bundlePath);
  if (stale.length) {
    console.log(
      `warning: ${stale.join(', ')} changed after the bundle was built: run \`npm run build:policies\``,
    );
  }
  const engine = await cachedPolicyEngine(bundlePath)();
  const engineLoadNs = await measureEngineLoads(bundlePath);
  const opaVersion = opa(['version']).match(/^Version: (.+)$/m)?.[1] ?? 'unknown';
  const work = mkdtempSync(join(tmpdir(), 'verdict-bench-'));
  const results = [];
  let classify: Awaited<ReturnType<typeof benchClassify>> | undefined;
  try {
    for (const s of SCENARIOS) {
      const input = await captureGateInput(engine, s);
      const inputPath = join(work, `${s.name}.input.json`);
      writeFileSync(inputPath, JSON.stringify(input));
      const ours = benchEvaluate(engine, input);
      const result = engine.evaluate(ENTRYPOINT, input);
      const baseline = benchOpa(inputPath, result);
      if (!baseline.sameResult) throw new Error(`scenario ${s.name}: opa eval and the wasm bundle disagree`);
      const gate = await benchGate(engine, s);
      results.push({
        scenario: s.name,
        samples: { profile: s.profile, clarifyReport: s.report },
        decision: s.expect.decision,
        inputBytes: JSON.stringify(input).length,
        inputSha256: canonicalSha256(input),
        ...againstOpa(ours, baseline),
        gateDecision: {
          latencyNs: rounded(gate.latencyNs, 0),
          perSecond: Math.round(gate.perSecond),
          cpuOverWall: gate.cpuOverWall,
          policyShareOfP50: Math.round((ours.latencyNs.p50 / gate.latencyNs.p50) * 1000) / 1000,
        },
      });
    }
    classify = await benchClassify(engine, work);
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
    ],
    [
      `${r.scenario}: opa bench (Go topdown, baseline)`,
      r.opaBench.queryEvalNs.p50 ? us(r.opaBench.queryEvalNs.p50) : '-',
      r.opaBench.queryEvalNs.p99 ? us(r.opaBench.queryEvalNs.p99) : '-',
      us(r.opaBench.nsPerOp),
      perSecond(r.opaBench.perSecond),
      '1',
    ],
    [
      `${r.scenario}: full gate decision (warm, in-memory adapters)`,
      us(r.gateDecision.latencyNs.p50),
      us(r.gateDecision.latencyNs.p99),
      us(r.gateDecision.latencyNs.mean),
      perSecond(r.gateDecision.perSecond),
      '',
    ],
  ]);
  if (classify) {
    rows.push(
      [
        `classify: PolicyEngine.evaluate (wasm, in-process)`,
        us(classify.evaluate.latencyNs.p50),
        us(classify.evaluate.latencyNs.p99),
        us(classify.evaluate.nsPerOp),
        perSecond(classify.evaluate.perSecond),
        String(classify.ratioOursOverOpa),
      ],
      [
        `classify: opa bench (Go topdown, baseline)`,
        classify.opaBench.queryEvalNs.p50 ? us(classify.opaBench.queryEvalNs.p50) : '-',
        classify.opaBench.queryEvalNs.p99 ? us(classify.opaBench.queryEvalNs.p99) : '-',
        us(classify.opaBench.nsPerOp),
        perSecond(classify.opaBench.perSecond),
        '1',
      ],
    );
  }
  console.log(
    table(
      `policy evaluation, ${ENTRYPOINT} and ${QUERY_ENTRYPOINTS.classify} (N=${PARAMS.evaluate.n} evaluations after ${PARAMS.evaluate.warmup} warm-up; ` +
        `gate N=${PARAMS.gate.n} after ${PARAMS.gate.warmup}; opa ${opaVersion})`,
      ['', 'p50 µs', 'p99 µs', 'mean µs', 'ops/s', 'ours/opa'],
      rows,
    ),
  );
  console.log(
    `cpu/wall during the timed loops (below 1 = waiting for a core, tails inflated): ${results
      .map((r) => `${r.scenario} evaluate ${r.evaluate.cpuOverWall}, gate ${r.gateDecision.cpuOverWall}`)
      .join('; ')}`,
  );
  console.log(
    `engine load (gunzip + wasm compile + setData), ${PARAMS.engineLoads} loads: p50 ${ms(engineLoadNs.p50)} ms, max ${ms(engineLoadNs.max)} ms`,
  );
  console.log(
    'opa bench uses the Go topdown evaluator (this opa build reports "WebAssembly: unavailable", so -t wasm is not possible);' +
      ' its p50/p99 are its rego_query_eval histogram, its mean is T/N.',
  );
  const file = writeResult('policy-evaluation', {
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
    engineLoadNs: rounded(engineLoadNs, 0),
    scenarios: results,
    classify,
  });
  console.log(`wrote ${file}`);
}

if (isMain(import.meta.url)) await runPolicyEvaluation();
