/**
 * Two figures of the gate under load, on the embedded stores (`npx tsx bench/decision-storm.ts`):
 * - a same-package storm: N concurrent events with distinct ids for one pending model version, through the
 *   real gate handler (idempotency, ledger, read model, registry): decisions, status updates and published
 *   `Verdict Decision` events (want 1 each);
 * - checkpoints per 100,000 ledger entries appended three at a time (one event's decision and two actions),
 *   every batch signing versus the local cadence.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openLocalLedger } from '../functions/adapters/local/ledger/sqlite-ledger.ts';
import { PROFILE_METADATA_KEY } from '../functions/gates/model-registry/governance-inputs.ts';
import type { CheckpointCadence } from '../functions/ledger/ledger.ts';
import { openLocalRuntimeAt } from '../functions/local/runtime.ts';

const STORM = Number(process.env.VERDICT_BENCH_STORM ?? 500);
const ENTRIES = Number(process.env.VERDICT_BENCH_CHECKPOINT_ENTRIES ?? 30_000);
const SAMPLES = new URL('../functions/local/demo/samples/', import.meta.url);

async function storm(): Promise<Record<string, number>> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'verdict-storm-'));
  const runtime = openLocalRuntimeAt(dataDir, { environment: 'bench' });
  try {
    const profile = 's3://governance/storm/profile.json';
    const report = 's3://governance/storm/analysis.json';
    await runtime.objects.put(profile, readFileSync(new URL('credit-scorer.profile.json', SAMPLES)));
    await runtime.objects.put(report, readFileSync(new URL('credit-scorer.analysis.json', SAMPLES)));
    await runtime.registry.createModelPackageGroup('storm');
    const pkg = await runtime.registry.createModelPackage({
      groupName: 'storm',
      customerMetadata: { [PROFILE_METADATA_KEY]: profile },
      biasReports: { postTraining: report },
    });
    const event = runtime.registry.toStateChangeEvent(pkg);
    const settled = await Promise.allSettled(
      Array.from({ length: STORM }, () =>
        runtime.invoke('model-registry-gate', { ...event, id: randomUUID() }),
      ),
    );
    const ledger = await runtime.openLedger();
    let published = 0;
    for await (const entry of ledger.store.entries(0, await ledger.size())) {
      if (entry.id.startsWith('action/events:PutEvents/') && entry.id.endsWith('/succeeded')) published++;
    }
    return {
      events: STORM,
      failed: settled.filter((s) => s.status === 'rejected').length,
      decisions: (await runtime.decisions.list({ limit: 1000 })).decisions.length,
      statusUpdates: (await runtime.registry.statusHistory(pkg.arn)).length - 1,
      publishedEvents: published,
    };
  } finally {
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function checkpointsPer100k(checkpoint: CheckpointCadence): Promise<number> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'verdict-cadence-'));
  const local = await openLocalLedger({ dataDir, checkpoint }).open();
  try {
    const entry = (i: number) => ({
      id: `bench/${i}`,
      type: 'note' as const,
      recordedAt: new Date().toISOString(),
      note: { i },
    });
    for (let i = 0; i < ENTRIES; i += 3) {
      for (let k = i; k < Math.min(i + 3, ENTRIES); k++) await local.ledger.append(entry(k));
    }
    await local.ledger.close();
    return Math.round(((await local.store.checkpointSizes()).length * 100_000) / ENTRIES);
  } finally {
    await local.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

console.log(JSON.stringify({ storm: await storm() }));
console.log(
  JSON.stringify({
    checkpointsPer100kEntries: {
      entries: ENTRIES,
      everyBatch: await checkpointsPer100k('every-batch'),
      localCadence: await checkpointsPer100k({ entries: 1024, intervalMs: 5_000 }),
    },
  }),
);
