import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { MemoryObjectStore } from '../../../../functions/adapters/local/memory-object-store.ts';
import { loadGovernanceInputs } from '../../../../functions/gates/model-registry/governance-inputs.ts';
import type { ModelPackage } from '../../../../functions/ports/model-registry.ts';
import type { ObjectStore } from '../../../../functions/ports/object-store.ts';
import { InvalidInputError } from '../../../../functions/shared/validation.ts';

const pkg: ModelPackage = {
  arn: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/cv/1',
  groupName: 'cv',
  version: '1',
  approvalStatus: 'PendingManualApproval',
  customerMetadata: { 'verdict:profile': 's3://b/profile.json', 'verdict:evidence': 's3://b/evidence.json' },
  biasReports: { postTraining: 's3://b/analysis.json' },
};

/** Answers each read after the given delay, with the given bytes (undefined: missing). */
function store(objects: Record<string, { delayMs: number; body?: string }>): ObjectStore {
  const lookup = async (uri: string) => {
    const object = objects[uri];
    await sleep(object?.delayMs ?? 0);
    return object?.body === undefined ? undefined : new TextEncoder().encode(object.body);
  };
  return Object.assign(new MemoryObjectStore(), {
    get: lookup,
    stat: async (uri: string) => ((await lookup(uri)) ? { size: 1 } : undefined),
  });
}

describe('loadGovernanceInputs', () => {
  it('lists what it could not read in a fixed order, whichever read finishes first', async () => {
    const slowProfile = store({
      's3://b/profile.json': { delayMs: 30 },
      's3://b/analysis.json': { delayMs: 0 },
    });
    const slowReport = store({
      's3://b/profile.json': { delayMs: 0 },
      's3://b/analysis.json': { delayMs: 30 },
    });
    const expected = [
      { kind: 'profile', source: 's3://b/profile.json' },
      { kind: 'bias_report', source: 's3://b/analysis.json' },
      { kind: 'evidence_manifest', source: 's3://b/evidence.json' },
    ];
    expect((await loadGovernanceInputs(pkg, slowProfile)).evidence.missing).toEqual(expected);
    expect((await loadGovernanceInputs(pkg, slowReport)).evidence.missing).toEqual(expected);
  });

  it('reports the first bad input in list order, even when a later one fails sooner', async () => {
    const objects = store({
      's3://b/profile.json': { delayMs: 30, body: '{"name": ' },
      's3://b/evidence.json': { delayMs: 0, body: 'not json' },
    });
    const error = await loadGovernanceInputs(pkg, objects).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).code).toBe('profile.invalid');
  });
});
