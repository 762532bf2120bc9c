/** The digest the registry gate records and the deployment gate recomputes: images and artifact bytes. */
import { describe, expect, it } from 'vitest';
import { MemoryObjectStore } from '../../../../functions/adapters/local/memory-object-store.ts';
import { artifactDigest } from '../../../../functions/gates/model-registry/artifact-digest.ts';
import type { ModelContainer, ModelPackage } from '../../../../functions/ports/model-registry.ts';

const MODEL = 's3://models/credit-scorer/3/model.tar.gz';
const TOKENIZER = 's3://models/credit-scorer/3/tokenizer.tar.gz';
const IMAGE = `111122223333.dkr.ecr.eu-west-1.amazonaws.com/scorer@sha256:${'a'.repeat(64)}`;

function pkg(containers?: ModelContainer[]): ModelPackage {
  return {
    arn: 'arn:aws:sagemaker:eu-west-1:111122223333:model-package/credit-scorer/3',
    groupName: 'credit-scorer',
    version: '3',
    approvalStatus: 'PendingManualApproval',
    customerMetadata: {},
    biasReports: {},
    ...(containers !== undefined && { containers }),
  };
}

async function store(objects: Record<string, string | Uint8Array> = {}): Promise<MemoryObjectStore> {
  const memory = new MemoryObjectStore();
  for (const [uri, body] of Object.entries(objects)) await memory.put(uri, body);
  return memory;
}

describe('artifactDigest', () => {
  it('is null when the package names no container', async () => {
    const objects = await store({ [MODEL]: 'weights' });
    expect(await artifactDigest(pkg(), objects)).toBeNull();
    expect(await artifactDigest(pkg([]), objects)).toBeNull();
  });

  it('is null when an artifact a container names does not exist', async () => {
    const objects = await store({ [MODEL]: 'weights' });
    const missing = pkg([
      { image: IMAGE, modelDataUrl: MODEL },
      { image: IMAGE, modelDataUrl: TOKENIZER },
    ]);
    expect(await artifactDigest(missing, objects)).toBeNull();
  });

  it('is null when an image is named by a tag, which can move to other bytes after the approval', async () => {
    const objects = await store({ [MODEL]: 'weights' });
    const tagged = `111122223333.dkr.ecr.eu-west-1.amazonaws.com/scorer:latest`;
    expect(await artifactDigest(pkg([{ image: tagged, modelDataUrl: MODEL }]), objects)).toBeNull();
    expect(
      await artifactDigest(pkg([{ image: `${IMAGE.slice(0, -1)}`, modelDataUrl: MODEL }]), objects),
    ).toBeNull();
    expect(await artifactDigest(pkg([{ image: IMAGE, modelDataUrl: MODEL }]), objects)).toMatch(/^sha256:/);
  });

  it('is a sha256 digest, the same for the same images and bytes', async () => {
    const containers = [{ image: IMAGE, modelDataUrl: MODEL }, { image: IMAGE }];
    const first = await artifactDigest(pkg(containers), await store({ [MODEL]: 'weights' }));
    const again = await artifactDigest(
      pkg(containers.map((c) => ({ ...c }))),
      await store({ [MODEL]: new TextEncoder().encode('weights') }),
    );
    expect(first).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(again).toBe(first);
  });

  it('hashes an artifact larger than one streamed chunk whole', async () => {
    const big = new Uint8Array(200 * 1024).fill(7);
    const changedAtEnd = big.slice();
    changedAtEnd[changedAtEnd.length - 1] = 8;
    const containers = [{ image: IMAGE, modelDataUrl: MODEL }];
    const a = await artifactDigest(pkg(containers), await store({ [MODEL]: big }));
    const b = await artifactDigest(pkg(containers), await store({ [MODEL]: changedAtEnd }));
    expect(a).not.toBe(b);
  });

  it('depends on the order of the containers', async () => {
    const objects = await store({ [MODEL]: 'weights', [TOKENIZER]: 'vocabulary' });
    const model = { image: IMAGE, modelDataUrl: MODEL };
    const tokenizer = { image: IMAGE, modelDataUrl: TOKENIZER };
    const forward = await artifactDigest(pkg([model, tokenizer]), objects);
    const reversed = await artifactDigest(pkg([tokenizer, model]), objects);
    expect(forward).toMatch(/^sha256:/);
    expect(reversed).toMatch(/^sha256:/);
    expect(reversed).not.toBe(forward);
  });

  it('changes when one byte of the artifact changes', async () => {
    const containers = [{ image: IMAGE, modelDataUrl: MODEL }];
    const before = await artifactDigest(pkg(containers), await store({ [MODEL]: 'weights-v1' }));
    const after = await artifactDigest(pkg(containers), await store({ [MODEL]: 'weights-v2' }));
    expect(after).toMatch(/^sha256:/);
    expect(after).not.toBe(before);
  });

  it('changes when the image changes', async () => {
    const objects = await store({ [MODEL]: 'weights' });
    const before = await artifactDigest(pkg([{ image: IMAGE, modelDataUrl: MODEL }]), objects);
    const after = await artifactDigest(
      pkg([{ image: `${IMAGE.slice(0, -1)}b`, modelDataUrl: MODEL }]),
      objects,
    );
    expect(after).not.toBe(before);
  });

  it('changes when the artifact moves to another URI with the same bytes', async () => {
    const objects = await store({ [MODEL]: 'weights', [TOKENIZER]: 'weights' });
    const here = await artifactDigest(pkg([{ image: IMAGE, modelDataUrl: MODEL }]), objects);
    const there = await artifactDigest(pkg([{ image: IMAGE, modelDataUrl: TOKENIZER }]), objects);
    expect(there).not.toBe(here);
  });
});
