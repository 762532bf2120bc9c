/**
 * The model-registry gate pins what it approved: through the local runtime (embedded registry, filesystem
 * objects, the in-process bus and the route table), its decision's subject carries the digest of the
 * package's images and artifacts when the package names containers, and none when it names none.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { artifactDigest } from '../../../../functions/gates/model-registry/artifact-digest.ts';
import { PROFILE_METADATA_KEY } from '../../../../functions/gates/model-registry/governance-inputs.ts';
import { type LocalRuntime, openLocalRuntime } from '../../../../functions/local/runtime.ts';
import type { ModelContainer } from '../../../../functions/ports/model-registry.ts';
import { removeTempDirs, tempDir } from '../../../support/ledger-fixture.ts';

const SAMPLES = join(import.meta.dirname, '../../../../functions/local/demo/samples');
const BUCKET = 's3://verdict-models';
const MODEL = `${BUCKET}/credit-scorer/model.tar.gz`;
const IMAGE = `111122223333.dkr.ecr.eu-west-1.amazonaws.com/scorer@sha256:${'a'.repeat(64)}`;

const runtimes: LocalRuntime[] = [];
afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.close();
  removeTempDirs();
});

function open(): LocalRuntime {
  const runtime = openLocalRuntime({ database: ':memory:', objectsDir: tempDir('verdict-objects-') });
  runtimes.push(runtime);
  return runtime;
}

/** Registers a credit-scorer version with the sample profile and bias report, and runs the gate on it. */
async function gated(runtime: LocalRuntime, containers?: ModelContainer[]) {
  const profile = `${BUCKET}/credit-scorer/profile.json`;
  const report = `${BUCKET}/credit-scorer/clarify/analysis.json`;
  await runtime.objects.put(profile, readFileSync(join(SAMPLES, 'credit-scorer.profile.json')));
  await runtime.objects.put(report, readFileSync(join(SAMPLES, 'credit-scorer.analysis.json')));
  await runtime.registry.createModelPackageGroup('credit-scorer');
  const pkg = await runtime.registry.createModelPackage({
    groupName: 'credit-scorer',
    customerMetadata: { [PROFILE_METADATA_KEY]: profile },
    biasReports: { postTraining: report },
    ...(containers && { containers }),
  });
  const deliveries = await runtime.bus.dispatch(runtime.registry.toStateChangeEvent(pkg));
  expect(deliveries.map((d) => [d.target, d.ok])).toEqual([['model-registry-gate', true]]);
  await runtime.bus.idle();
  const { decisions } = await runtime.decisions.list();
  expect(decisions).toHaveLength(1);
  return { pkg, decision: decisions[0] };
}

describe('the model-registry gate’s artifact digest', () => {
  it('records the digest of the images and artifacts the package names', async () => {
    const runtime = open();
    await runtime.objects.put(MODEL, 'credit-scorer weights');
    const { pkg, decision } = await gated(runtime, [{ image: IMAGE, modelDataUrl: MODEL }]);
    const expected = await artifactDigest(pkg, runtime.objects);
    expect(expected).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(decision?.subject).toEqual({
      kind: 'model-package',
      id: pkg.arn,
      group: 'credit-scorer',
      version: '1',
      artifactDigest: expected,
    });
    // The ledger holds the same pinned subject as the read model.
    expect((await runtime.decisions.get(decision?.id ?? ''))?.subject.artifactDigest).toBe(expected);
  });

  it('records no digest when the package names no container', async () => {
    const runtime = open();
    const { pkg, decision } = await gated(runtime);
    expect(decision?.subject).toEqual({
      kind: 'model-package',
      id: pkg.arn,
      group: 'credit-scorer',
      version: '1',
    });
  });

  it('records no digest when an artifact the package names is missing', async () => {
    const runtime = open();
    const { decision } = await gated(runtime, [{ image: IMAGE, modelDataUrl: `${BUCKET}/nowhere.tar.gz` }]);
    expect(decision?.subject).not.toHaveProperty('artifactDigest');
  });
});
