/**
 * The ranged and streamed reads every ObjectStore adapter must agree on (ObjectStore.getRange and
 * ObjectStore.stream): run against the memory, file system and S3 (emulator) adapters alike.
 */
import { describe, expect, it } from 'vitest';
import type { ObjectStore } from '../../functions/ports/object-store.ts';

async function collect(chunks: AsyncIterable<Uint8Array> | undefined): Promise<Uint8Array | undefined> {
  if (!chunks) return undefined;
  const parts: Uint8Array[] = [];
  for await (const chunk of chunks) parts.push(chunk);
  return new Uint8Array(Buffer.concat(parts));
}

/** `uri(name)` gives a URI in a bucket that exists; `missingBucketUri` one in a bucket that does not. */
export function describeRangedReads(
  adapter: string,
  setup: () => { store: ObjectStore; uri: (name: string) => string },
): void {
  describe(`${adapter}: ranged and streamed reads`, () => {
    const bytes = Uint8Array.from({ length: 3000 }, (_, i) => (i * 7) % 256);

    it('reads a range, clamps one that runs past the end, and reads none past it', async () => {
      const { store, uri } = setup();
      const key = uri('ranges/blob.bin');
      await store.put(key, bytes);

      expect(await store.getRange(key, 10, 20)).toEqual(bytes.slice(10, 20));
      expect(await store.getRange(key, 0, 3000)).toEqual(bytes);
      expect(await store.getRange(key, 2990, 5000)).toEqual(bytes.slice(2990));
      expect(await store.getRange(key, 3000, 3100)).toEqual(new Uint8Array());
      expect(await store.getRange(key, 5000, 6000)).toEqual(new Uint8Array());
      expect(await store.getRange(key, 7, 7)).toEqual(new Uint8Array());
    });

    it('streams the whole object, a range, or nothing, in order', async () => {
      const { store, uri } = setup();
      const key = uri('ranges/stream.bin');
      await store.put(key, bytes);

      expect(await collect(await store.stream(key))).toEqual(bytes);
      expect(await collect(await store.stream(key, { start: 1000 }))).toEqual(bytes.slice(1000));
      expect(await collect(await store.stream(key, { start: 5, end: 2500 }))).toEqual(bytes.slice(5, 2500));
      expect(await collect(await store.stream(key, { end: 100 }))).toEqual(bytes.slice(0, 100));
      expect(await collect(await store.stream(key, { start: 2999, end: 9999 }))).toEqual(bytes.slice(2999));
      expect(await collect(await store.stream(key, { start: 3000 }))).toEqual(new Uint8Array());
      expect(await collect(await store.stream(key, { start: 10, end: 10 }))).toEqual(new Uint8Array());
    });

    it('stops reading when the consumer stops', async () => {
      const { store, uri } = setup();
      const key = uri('ranges/early.bin');
      await store.put(key, new Uint8Array(4 * 1024 * 1024));
      const chunks = await store.stream(key);
      let seen = 0;
      for await (const chunk of chunks ?? []) {
        seen += chunk.byteLength;
        break;
      }
      expect(seen).toBeGreaterThan(0);
      expect(seen).toBeLessThan(4 * 1024 * 1024);
    });

    it('reads a missing object as undefined', async () => {
      const { store, uri } = setup();
      expect(await store.getRange(uri('ranges/missing.bin'), 0, 10)).toBeUndefined();
      expect(await store.getRange(uri('ranges/missing.bin'), 5, 5)).toBeUndefined();
      expect(await store.stream(uri('ranges/missing.bin'))).toBeUndefined();
      expect(await store.stream(uri('ranges/missing.bin'), { start: 3, end: 3 })).toBeUndefined();
    });

    it('refuses a range that is not two non-negative integers', async () => {
      const { store, uri } = setup();
      await expect(store.getRange(uri('ranges/blob.bin'), -1, 10)).rejects.toThrow(RangeError);
      await expect(store.getRange(uri('ranges/blob.bin'), 0, 1.5)).rejects.toThrow(RangeError);
      await expect(store.stream(uri('ranges/blob.bin'), { start: Number.NaN })).rejects.toThrow(RangeError);
    });
  });
}
