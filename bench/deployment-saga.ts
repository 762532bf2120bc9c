/**
 * Orchestration overhead per rollout step, bake excluded: each saga step (request, apply, the target's
 * observation, the end of the bake) over the real local ledger (in memory, signed, as the saga tests run it) and
 * a target that answers at once (the test double of the DeploymentTarget port). The baseline, measured in the
 * same loop: one bare append to a ledger of the same kind and size, of an entry as large as the step's action
 * entry, so the ratios say how much a step costs around its ledger writes.
 */
import { MemoryLedgerStore } from '../functions/adapters/local/ledger/memory-store.ts';
import type { NoteEntry } from '../functions/contracts/ledger-entry.ts';
import { applyDeployment } from '../functions/deployments/apply-deployment.ts';
import { endBake } from '../functions/deployments/end-bake.ts';
import { requestDeployment } from '../functions/deployments/request-deployment.ts';
import { onTargetObservation } from '../functions/deployments/target-observation.ts';
import { Ledger } from '../functions/ledger/ledger.ts';
import { canonicalJson } from '../functions/shared/canonical-json.ts';
import { allowedRequest, sagaFixture } from '../test/support/deployment-saga.ts';
import { logSigner } from '../test/support/ledger-fixture.ts';
import { cpuShare } from './policy-evaluation.ts';
import { isMain, rounded, summarize, table, us, writeResult } from './support.ts';

export const PARAMS = {
  /** Deployments taken through every step (VERDICT_BENCH_DEPLOYMENT_SAGA_N overrides, for a quick run). */
  deployments: Number(process.env.VERDICT_BENCH_DEPLOYMENT_SAGA_N ?? 2_000),
  warmup: 100,
};

const BAKE_MS = allowedRequest.strategy.bakeSeconds * 1000;

/** The timed steps and the ledger entries each appends. */
const STEPS = [
  { step: 'request', call: 'requestDeployment', ledgerWrites: 2, entries: 'decision + gate action' },
  { step: 'apply', call: 'applyDeployment', ledgerWrites: 2, entries: 'plan + apply actions' },
  { step: 'observation', call: 'onTargetObservation (baking)', ledgerWrites: 1, entries: 'baking action' },
  { step: 'end of bake', call: 'endBake (promote)', ledgerWrites: 1, entries: 'promote action' },
] as const;

function now(): bigint {
  return process.hrtime.bigint();
}

/** A note entry whose RFC 8785 form is exactly `bytes` long. */
function noteOfSize(i: number, bytes: number): NoteEntry {
  const base: NoteEntry = {
    id: `bench/${String(i).padStart(9, '0')}`,
    type: 'note',
    recordedAt: '2026-11-28T12:00:00.000Z',
    note: { i, pad: '' },
  };
  const overhead = Buffer.byteLength(canonicalJson(base));
  return { ...base, note: { i, pad: 'x'.repeat(Math.max(0, bytes - overhead)) } };
}

export async function runDeploymentSaga(): Promise<void> {
  const f = await sagaFixture();
  // The target reports the rollout as applying, so the observation that it is baking is a step of its own.
  f.target.applyStatus = 'applying';
  const bare = await Ledger.open({ store: new MemoryLedgerStore(), signer: logSigner(), now: f.clock.now });
  for (let i = 0, size = await f.ledger.size(); i < size; i++) await bare.append(noteOfSize(-1 - i, 300));

  const total = PARAMS.warmup + PARAMS.deployments;
  const samples: number[][] = STEPS.map(() => []);
  const appendSamples: number[] = [];
  const entryBytes: Record<string, number> = {};
  let appendBytes = 0;
  let appended = 0;
  const cpu = process.cpuUsage();
  const start = now();

  for (let d = 0; d < total; d++) {
    const timed = d >= PARAMS.warmup;
    const sizeBefore = await f.ledger.size();
    const times: number[] = [];
    let t0 = now();
    const requested = await requestDeployment(`bench-${d}`, allowedRequest, f.deps);
    times.push(Number(now() - t0));
    const id = requested.id;
    t0 = now();
    const applied = await applyDeployment(id, f.deps);
    times.push(Number(now() - t0));
    t0 = now();
    const baking = await onTargetObservation(
      {
        deploymentId: id,
        status: 'baking',
        targetStatus: 'Updating',
        observedAt: f.clock.now().toISOString(),
      },
      f.deps,
    );
    times.push(Number(now() - t0));
    f.clock.advance(BAKE_MS);
    t0 = now();
    const promoted = await endBake(id, f.deps);
    times.push(Number(now() - t0));
    const statuses = [requested, applied, baking, promoted].map((x) => x.status).join(' ');
    if (statuses !== 'requested applying baking promoted') {
      throw new Error(`deployment ${d}: unexpected statuses ${statuses}`);
    }

    // The entries this deployment appended, by kind, and as many bare appends of an action entry's size.
    const sizeAfter = await f.ledger.size();
    if (sizeAfter - sizeBefore !== 6) throw new Error(`deployment ${d}: ${sizeAfter - sizeBefore} entries`);
    if (d === 0) {
      for (let i = sizeBefore; i < sizeAfter; i++) {
        const record = await f.ledger.get(i);
        if (!record) continue;
        const kind = record.id.replace(/^action\/deployment\/[^/]+\//, 'action ').replace(/\/.*$/, '');
        entryBytes[kind] = Buffer.byteLength(canonicalJson(record.entry));
      }
      const actions = Object.entries(entryBytes).filter(([k]) => k.startsWith('action'));
      appendBytes = Math.round(actions.reduce((a, [, v]) => a + v, 0) / actions.length);
    }
    for (let i = sizeBefore; i < sizeAfter; i++) {
      const entry = noteOfSize(appended++, appendBytes);
      const a0 = now();
      await bare.append(entry);
      if (timed) appendSamples.push(Number(now() - a0));
    }
    if (timed) for (const [s, t] of times.entries()) samples[s]?.push(t);
  }
  const cpuOverWall = cpuShare(cpu, Number(now() - start));

  const append = summarize(appendSamples);
  // Every request reads the package's latest model-registry decision past the deployment decisions already
  // recorded for that package version, so the request step grows with them: its first and last tenth.
  const tenth = Math.max(1, Math.floor(PARAMS.deployments / 10));
  const requestGrowth = {
    deploymentDecisionsOfThePackageAtEnd: total,
    firstTenthP50Ns: Math.round(summarize(samples[0]?.slice(0, tenth) ?? []).p50),
    lastTenthP50Ns: Math.round(summarize(samples[0]?.slice(-tenth) ?? []).p50),
  };
  const results = STEPS.map((s, i) => {
    const latency = summarize(samples[i] ?? []);
    return {
      ...s,
      latencyNs: rounded(latency, 0),
      ratioOverOneAppend: {
        p50: Math.round((latency.p50 / append.p50) * 100) / 100,
        p99: Math.round((latency.p99 / append.p99) * 100) / 100,
      },
      /** What the step costs beyond its own ledger writes, at p50. */
      p50BeyondLedgerWritesNs: Math.round(latency.p50 - s.ledgerWrites * append.p50),
    };
  });
  const rows = results.map((r) => [
    `${r.step}: ${r.call}`,
    String(r.ledgerWrites),
    us(r.latencyNs.p50),
    us(r.latencyNs.p99),
    String(r.ratioOverOneAppend.p50),
    String(r.ratioOverOneAppend.p99),
    us(r.p50BeyondLedgerWritesNs),
  ]);
  rows.push([
    `baseline: one bare Ledger.append (${appendBytes} B note)`,
    '1',
    us(append.p50),
    us(append.p99),
    '1',
    '1',
    '0',
  ]);
  console.log(
    table(
      `deployment saga, per step, bake excluded (N=${PARAMS.deployments} deployments after ${PARAMS.warmup} warm-up; ` +
        'in-memory signed ledger, in-memory deployment store, a target that answers at once)',
      ['', 'ledger writes', 'p50 µs', 'p99 µs', '/append p50', '/append p99', 'p50 beyond writes µs'],
      rows,
    ),
  );
  console.log(
    `request p50 over the first tenth ${us(requestGrowth.firstTenthP50Ns)} µs, over the last tenth ` +
      `${us(requestGrowth.lastTenthP50Ns)} µs (${total} deployment decisions of the one package version by then)`,
  );
  console.log(`cpu/wall during the loop (below 1 = waiting for a core): ${cpuOverWall}`);
  const file = writeResult('deployment-saga', {
    parameters: {
      ...PARAMS,
      request: 'credit scorer, sagemaker canary, allowed',
      ledger: 'Ledger on MemoryLedgerStore, ed25519 checkpoint signed after every append',
      deploymentStore: 'MemoryDeploymentStore',
      target: 'FakeDeploymentTarget (answers at once)',
    },
    cpuOverWall,
    entryBytes,
    baseline: {
      what: 'one Ledger.append of a note entry as large as the mean action entry, same ledger kind and size',
      entryBytes: appendBytes,
      latencyNs: rounded(append, 0),
    },
    steps: results,
    requestGrowth,
  });
  console.log(`wrote ${file}`);
}

if (isMain(import.meta.url)) await runDeploymentSaga();
