import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FilesystemObjectStore } from '../../../../functions/adapters/local/filesystem-object-store.ts';
import { MemoryObjectStore } from '../../../../functions/adapters/local/memory-object-store.ts';
import { describeRangedReads } from '../../../support/object-store-ranges.ts';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'verdict-memory-objects-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

describeRangedReads('MemoryObjectStore', () => ({
  store: new MemoryObjectStore(),
  uri: (name) => `s3://governance/${name}`,
}));

describe('MemoryObjectStore in front of a fallback store', () => {
  it('reads ranges and streams of objects it does not hold from the fallback', async () => {
    const fallback = new FilesystemObjectStore(root);
    await fallback.put('s3://training/data.csv', 'id,email\n1,ann@gmail.com\n');
    const store = new MemoryObjectStore(fallback);

    expect(new TextDecoder().decode(await store.getRange('s3://training/data.csv', 0, 8))).toBe('id,email');
    const chunks: Uint8Array[] = [];
    for await (const chunk of (await store.stream('s3://training/data.csv', { start: 9 })) ?? [])
      chunks.push(chunk);
    expect(Buffer.concat(chunks).toString()).toBe('1,ann@gmail.com\n');
    expect(await store.getRange('s3://training/none.csv', 0, 8)).toBeUndefined();
    expect(await new MemoryObjectStore().stream('s3://training/none.csv')).toBeUndefined();
  });

  it('returns copies, so a caller cannot change the object it read', async () => {
    const store = new MemoryObjectStore();
    await store.put('s3://b/k', new Uint8Array([1, 2, 3]));
    const range = await store.getRange('s3://b/k', 0, 3);
    range?.fill(9);
    expect(await store.get('s3://b/k')).toEqual(new Uint8Array([1, 2, 3]));
  });
});
