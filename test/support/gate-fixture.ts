/** A model-registry gate wired to in-memory local adapters and the real policy bundle. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { openMemoryLedger } from '../../functions/adapters/local/ledger/memory-ledger.ts';
import { MemoryObjectStore } from '../../functions/adapters/local/memory-object-store.ts';
import { openDatabase } from '../../functions/adapters/local/sqlite-database.ts';
import { SqliteDecisionStore } from '../../functions/adapters/local/sqlite-decision-store.ts';
import { SqliteExceptionStore } from '../../functions/adapters/local/sqlite-exception-store.ts';
import { SqliteIdempotencyPersistence } from '../../functions/adapters/local/sqlite-idempotency-persistence.ts';
import { EmbeddedModelRegistry } from '../../functions/adapters/local/sqlite-model-registry.ts';
import type { ModelPackageSnapshot } from '../../functions/events/model-package-event.ts';
import type { ModelRegistryGateHandlerDeps } from '../../functions/gates/model-registry/create-handler.ts';
import { PROFILE_METADATA_KEY } from '../../functions/gates/model-registry/governance-inputs.ts';
import { cachedPolicyEngine, policyBundlePath } from '../../functions/gates/policy/engine-cache.ts';
import { LedgerDecisionStore } from '../../functions/ledger/ledger-decision-store.ts';
import type { PublishedEvent } from '../../functions/ports/event-publisher.ts';

export const SAMPLES = fileURLToPath(new URL('../../functions/local/demo/samples/', import.meta.url));
export const FIXED_NOW = new Date('2026-11-28T12:00:00.000Z');
export const sharedPolicyEngine = cachedPolicyEngine(policyBundlePath());

export function sample(name: string): Uint8Array {
  return readFileSync(`${SAMPLES}${name}`);
}

export function sampleJson<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(`${SAMPLES}${name}`, 'utf8')) as T;
}

export function gateFixture() {
  const db = openDatabase(':memory:');
  const registry = new EmbeddedModelRegistry(db, { now: () => FIXED_NOW });
  const objects = new MemoryObjectStore();
  const handle = openMemoryLedger('verdict.test/ledger');
  const { audit } = handle;
  /** The ledger itself, opened on first use. */
  const ledger = async () => (await handle.open()).ledger;
  const decisions = new LedgerDecisionStore(audit, new SqliteDecisionStore(db));
  const exceptions = new SqliteExceptionStore(db);
  const published: PublishedEvent[] = [];
  const deps: ModelRegistryGateHandlerDeps = {
    registry,
    objects,
    decisions,
    exceptions,
    actions: audit,
    events: { publish: async (event) => void published.push(event) },
    policyEngine: sharedPolicyEngine,
    environment: 'test',
    now: () => FIXED_NOW,
    deadlineMs: 10_000,
    idempotencyStore: new SqliteIdempotencyPersistence(db),
  };

  /** Registers a model version whose profile and Clarify report are the named sample's (or given bytes). */
  async function register(
    group: string,
    inputs: { profile?: Uint8Array | string | null; report?: Uint8Array | string | null } = {},
  ): Promise<ModelPackageSnapshot> {
    const profileUri = `s3://governance/${group}/profile.json`;
    const reportUri = `s3://governance/${group}/analysis.json`;
    if (inputs.profile) await objects.put(profileUri, inputs.profile);
    if (inputs.report) await objects.put(reportUri, inputs.report);
    if (!(await registry.listModelPackages({ groupName: group })).length) {
      await registry.createModelPackageGroup(group);
    }
    return registry.createModelPackage({
      groupName: group,
      customerMetadata: inputs.profile === null ? {} : { [PROFILE_METADATA_KEY]: profileUri },
      biasReports: inputs.report === null ? {} : { postTraining: reportUri },
    });
  }

  return { db, registry, objects, decisions, exceptions, published, deps, register, ledger };
}
