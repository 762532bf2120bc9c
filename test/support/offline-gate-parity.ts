/**
 * The model-registry gate's Lambda handler, wired with local adapters as `verdict gate` wired it before it
 * ran the gate's core directly: what the offline gate's decision is compared with.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventSnapshotRegistry } from '../../functions/adapters/local/event-snapshot-model-registry.ts';
import { openMemoryLedger } from '../../functions/adapters/local/ledger/memory-ledger.ts';
import { MemoryObjectStore } from '../../functions/adapters/local/memory-object-store.ts';
import { openDatabase } from '../../functions/adapters/local/sqlite-database.ts';
import { SqliteDecisionStore } from '../../functions/adapters/local/sqlite-decision-store.ts';
import { SqliteExceptionStore } from '../../functions/adapters/local/sqlite-exception-store.ts';
import { SqliteIdempotencyPersistence } from '../../functions/adapters/local/sqlite-idempotency-persistence.ts';
import type { Decision } from '../../functions/contracts/decision.ts';
import {
  type ModelPackageStateChangeEvent,
  modelPackageStateChangeEventSchema,
} from '../../functions/contracts/model-package-state-change.ts';
import { modelPackageFromDescription } from '../../functions/events/model-package-event.ts';
import { createModelRegistryGateHandler } from '../../functions/gates/model-registry/create-handler.ts';
import { PROFILE_METADATA_KEY } from '../../functions/gates/model-registry/governance-inputs.ts';
import { LedgerDecisionStore } from '../../functions/ledger/ledger-decision-store.ts';
import { LedgerExceptionStore } from '../../functions/ledger/ledger-exception-store.ts';
import { localLambdaContext } from '../../functions/local/lambda-context.ts';
import { localPolicyEngine } from '../../functions/local/local-policy-engine.ts';
import { ROOT } from './cli.ts';

export const SAMPLE_EVENT = join(ROOT, 'test/fixtures/events/sagemaker-model-package-state-change.json');
export const SAMPLES_DIR = join(ROOT, 'functions/local/demo/samples');
/** The three demo systems, each with its own profile and Clarify report. */
export const SAMPLE_SYSTEMS = ['credit-scorer', 'cv-ranker', 'citizen-trust-score'] as const;

export function sampleEvent(): ModelPackageStateChangeEvent {
  return modelPackageStateChangeEventSchema.parse(JSON.parse(readFileSync(SAMPLE_EVENT, 'utf8')));
}

/** The event's package with a sample's profile and report, as `verdict gate --profile --evidence` sets them. */
export async function sampleInputs(event: ModelPackageStateChangeEvent, system: string) {
  const objects = new MemoryObjectStore();
  await objects.put(
    's3://verdict-cli/profile.json',
    readFileSync(join(SAMPLES_DIR, `${system}.profile.json`)),
  );
  await objects.put(
    's3://verdict-cli/analysis.json',
    readFileSync(join(SAMPLES_DIR, `${system}.analysis.json`)),
  );
  const pkg = modelPackageFromDescription(event.detail);
  pkg.customerMetadata = { ...pkg.customerMetadata, [PROFILE_METADATA_KEY]: 's3://verdict-cli/profile.json' };
  pkg.biasReports = { postTraining: 's3://verdict-cli/analysis.json' };
  return { registry: new EventSnapshotRegistry(pkg), objects };
}

/** The decision the Lambda handler (full middy chain, SQLite stores, a signed in-memory ledger) records. */
export async function handlerDecision(
  event: ModelPackageStateChangeEvent,
  system: string,
  now: () => Date,
): Promise<Decision> {
  const { registry, objects } = await sampleInputs(event, system);
  const db = openDatabase(':memory:');
  const ledger = openMemoryLedger();
  const decisions = new LedgerDecisionStore(ledger.audit, new SqliteDecisionStore(db));
  const handler = createModelRegistryGateHandler({
    registry,
    objects,
    decisions,
    exceptions: new LedgerExceptionStore(ledger.audit, new SqliteExceptionStore(db)),
    actions: ledger.audit,
    events: { publish: async () => undefined },
    policyEngine: localPolicyEngine(),
    environment: 'dev',
    now,
    deadlineMs: 60_000,
    idempotencyStore: new SqliteIdempotencyPersistence(db),
  });
  try {
    const summary = await handler(event, localLambdaContext('model-registry-gate', 60));
    if (summary.status !== 'decided') throw new Error(`handler did not decide: ${JSON.stringify(summary)}`);
    const decision = await decisions.get(summary.decisionId);
    if (!decision) throw new Error('decision not recorded');
    return decision;
  } finally {
    await ledger.close();
    db.close();
  }
}
