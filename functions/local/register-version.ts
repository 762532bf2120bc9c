/**
 * Registers a model version in the embedded registry, pending manual approval, with its inputs staged in the
 * object store, as `CreateModelPackage` does in SageMaker. `verdict check` does it in memory; `verdict
 * registry register` in the data directory, then puts the version's state-change event on the local bus.
 */

import { type EmbeddedModelRegistry, ModelRegistryError } from '../adapters/local/sqlite-model-registry.ts';
import type { Decision } from '../contracts/decision.ts';
import type { ModelPackageStateChange } from '../contracts/model-package-state-change.ts';
import type { ModelPackageSnapshot } from '../events/model-package-event.ts';
import { modelPackageDecisionId } from '../gates/model-registry/model-registry-gate.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import { type ModelVersionInputs, stageModelVersionInputs } from './model-version-inputs.ts';
import type { LocalRuntime } from './runtime.ts';

export async function registerModelVersion(
  registry: EmbeddedModelRegistry,
  objects: ObjectStore,
  group: string,
  inputs: ModelVersionInputs,
): Promise<ModelPackageSnapshot> {
  await ensureGroup(registry, group);
  const staged = await stageModelVersionInputs(objects, group, inputs);
  return registry.createModelPackage({ groupName: group, ...staged });
}

/** Creates the group unless it exists (SageMaker refuses a second one with ValidationException). */
export async function ensureGroup(registry: EmbeddedModelRegistry, group: string): Promise<void> {
  const existing = await registry.listModelPackages({ groupName: group });
  if (existing.length) return;
  try {
    await registry.createModelPackageGroup(group);
  } catch (error) {
    if (error instanceof ModelRegistryError && /already exists/.test(error.message)) return;
    throw error;
  }
}

export interface Registered {
  pkg: ModelPackageSnapshot;
  event: ModelPackageStateChange;
  /** The gate's decision, when the event went on the bus. */
  decision?: Decision;
  /** The version's approval status after the gate. */
  approvalStatus: string;
}

/**
 * Registers the version in the runtime's registry and, with `emit`, puts its state-change event on the local
 * bus as SageMaker puts it on the default bus: the route table takes it to the gate, whose decision is
 * appended to the ledger.
 */
export async function registerAndEmit(
  runtime: LocalRuntime,
  group: string,
  inputs: ModelVersionInputs,
  options: { emit: boolean },
): Promise<Registered> {
  const pkg = await registerModelVersion(runtime.registry, runtime.objects, group, inputs);
  const event = runtime.registry.toStateChangeEvent(pkg);
  if (!options.emit) return { pkg, event, approvalStatus: pkg.approvalStatus };
  await emitStateChange(runtime, event);
  const decision = await runtime.decisions.get(modelPackageDecisionId(pkg.arn));
  const after = await runtime.registry.describeModelPackage(pkg.arn);
  return {
    pkg,
    event,
    ...(decision && { decision }),
    approvalStatus: after?.approvalStatus ?? pkg.approvalStatus,
  };
}

/**
 * Puts a version's state-change event on the local bus, as SageMaker puts it on the default bus, and waits
 * for its targets: a refused entry or a failed gate is an error.
 */
export async function emitStateChange(runtime: LocalRuntime, event: ModelPackageStateChange): Promise<void> {
  const { response, deliveries } = await runtime.bus.accept({
    Entries: [
      {
        Source: event.source,
        DetailType: event['detail-type'],
        Detail: JSON.stringify(event.detail),
        Resources: event.resources,
      },
    ],
  });
  if (response.FailedEntryCount) throw new Error(`PutEvents failed: ${JSON.stringify(response.Entries)}`);
  const failed = deliveries.find((d) => !d.ok);
  if (failed && !failed.ok) throw new Error(`the gate failed for ${event.resources[0]}: ${failed.error}`);
}
