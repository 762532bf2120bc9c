/**
 * A dry evaluation of the registry gate (`verdict check`): the version is registered in a registry held in
 * memory and its state-change event goes to the gate's own handler, with the pinned policy bundle. The
 * decision is the one the deployed gate would record (same rules, ids and explanations); its ledger lives
 * for this process only, and nothing is written to disk.
 */

import { openMemoryLedger } from '../adapters/local/ledger/memory-ledger.ts';
import { MemoryObjectStore } from '../adapters/local/memory-object-store.ts';
import { openDatabase } from '../adapters/local/sqlite-database.ts';
import { SqliteDecisionStore } from '../adapters/local/sqlite-decision-store.ts';
import { SqliteExceptionStore } from '../adapters/local/sqlite-exception-store.ts';
import { SqliteIdempotencyPersistence } from '../adapters/local/sqlite-idempotency-persistence.ts';
import { EmbeddedModelRegistry } from '../adapters/local/sqlite-model-registry.ts';
import type { Decision } from '../contracts/decision.ts';
import { createModelRegistryGateHandler } from '../gates/model-registry/create-handler.ts';
import { cachedPolicyEngine, policyBundlePath } from '../gates/policy/engine-cache.ts';
import { LedgerDecisionStore } from '../ledger/ledger-decision-store.ts';
import { LedgerExceptionStore } from '../ledger/ledger-exception-store.ts';
import { functions } from '../routes.ts';
import { localLambdaContext } from './lambda-context.ts';
import type { ModelVersionInputs } from './model-version-inputs.ts';
import { registerModelVersion } from './register-version.ts';

export async function checkModelVersion(
  group: string,
  inputs: ModelVersionInputs,
  options: { environment: string; now?: () => Date },
): Promise<Decision> {
  const now = options.now ?? (() => new Date());
  const db = openDatabase(':memory:');
  const ledger = openMemoryLedger();
  try {
    const registry = new EmbeddedModelRegistry(db, { now });
    const objects = new MemoryObjectStore();
    const decisions = new LedgerDecisionStore(ledger.audit, new SqliteDecisionStore(db));
    const handler = createModelRegistryGateHandler({
      registry,
      objects,
      decisions,
      exceptions: new LedgerExceptionStore(ledger.audit, new SqliteExceptionStore(db), now),
      actions: ledger.audit,
      events: { publish: async () => undefined },
      policyEngine: cachedPolicyEngine(policyBundlePath()),
      environment: options.environment,
      now,
      deadlineMs: functions['model-registry-gate'].timeoutSeconds * 1000,
      idempotencyStore: new SqliteIdempotencyPersistence(db),
    });
    const pkg = await registerModelVersion(registry, objects, group, inputs);
    const summary = await handler(
      registry.toStateChangeEvent(pkg),
      localLambdaContext('model-registry-gate', functions['model-registry-gate'].timeoutSeconds),
    );
    if (summary.status === 'skipped') throw new Error(`the gate skipped ${pkg.arn}: ${summary.reason}`);
    const decision = await decisions.get(summary.decisionId);
    if (!decision) throw new Error(`decision ${summary.decisionId} was not recorded`);
    return decision;
  } finally {
    await ledger.close();
    db.close();
  }
}
