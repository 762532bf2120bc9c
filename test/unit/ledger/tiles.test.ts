/**
 * The S3 tile layout of the AWS ledger store (functions/ledger/core/tiles.ts), without S3: tiles
 * published batch by batch into a map, for different batch splits, checked against the reference tree.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CompactRange } from '../../../functions/ledger/core/compact-range.ts';
import { integrate, type TreeHead } from '../../../functions/ledger/core/integrate.ts';
import { rangeNodes } from '../../../functions/ledger/core/node-id.ts';
import { leafHash } from '../../../functions/ledger/core/rfc6962.ts';
import {
  batchObjects,
  checkBatchObjects,
  decodeEntryBundle,
  decodeHashTile,
  encodeEntryBundle,
  entryBundleKey,
  hashTileKey,
  lastLeafTileKey,
  nodeLocation,
  perfectRoot,
  prefixKeys,
  tileIndexPath,
  tileWidth,
} from '../../../functions/ledger/core/tiles.ts';

const entry = (i: number) => Buffer.from(`{"id":"e/${i}"}`);

/** Publishes `sizes` batches into a map of objects, as the store does; returns the objects and the head. */
function publish(batchSizes: number[]) {
  const objects = new Map<string, Uint8Array>();
  let head: TreeHead = { size: 0, range: [] };
  for (const count of batchSizes) {
    const entries = Array.from({ length: count }, (_, i) => entry(head.size + i));
    const leafHashes = entries.map(leafHash);
    const next = integrate(head, leafHashes).head;
    const prefixes = new Map(prefixKeys(head.size, next.size).map((k) => [k, objects.get(k) as Uint8Array]));
    const batch = batchObjects(head.size, entries, leafHashes, prefixes);
    expect(checkBatchObjects(next.size, batch, next.range)).toBeUndefined();
    expect(batch.at(-1)?.key).toBe(lastLeafTileKey(next.size));
    for (const o of batch) {
      const existing = objects.get(o.key);
      if (existing && !Buffer.from(existing).equals(o.body))
        throw new Error(`${o.key} written twice, differently`);
      objects.set(o.key, o.body);
    }
    head = next;
  }
  return { objects, head };
}

function nodeFromTiles(objects: Map<string, Uint8Array>, size: number, level: number, index: number) {
  const at = nodeLocation(level, index);
  const key = hashTileKey(at.tileLevel, at.tileIndex, tileWidth(at.tileLevel, at.tileIndex, size));
  const hashes = decodeHashTile(objects.get(key) as Uint8Array).slice(at.offset, at.offset + at.count);
  return perfectRoot(hashes);
}

describe('C2SP tile paths', () => {
  it('writes tile indices in x-prefixed 3-digit groups, partial tiles with .p/<width>', () => {
    expect(tileIndexPath(0)).toBe('000');
    expect(tileIndexPath(5)).toBe('005');
    expect(tileIndexPath(1234)).toBe('x001/234');
    expect(tileIndexPath(1234067)).toBe('x001/x234/067');
    expect(hashTileKey(0, 1234067, 256)).toBe('tile/0/x001/x234/067');
    expect(hashTileKey(1, 2, 7)).toBe('tile/1/002.p/7');
    expect(entryBundleKey(0, 12)).toBe('tile/entries/000.p/12');
    expect(lastLeafTileKey(256)).toBe('tile/0/000');
    expect(lastLeafTileKey(257)).toBe('tile/0/001.p/1');
    expect(() => hashTileKey(0, 0, 0)).toThrow('invalid tile width 0');
  });

  it('encodes entry bundles with uint16 lengths', () => {
    const bundle = encodeEntryBundle([Buffer.from('ab'), Buffer.alloc(0), Buffer.from('xyz')]);
    expect(Buffer.from(bundle).toString('hex')).toBe('000261620000000378797a');
    expect(decodeEntryBundle(bundle).map((e) => Buffer.from(e).toString())).toEqual(['ab', '', 'xyz']);
    expect(() => decodeEntryBundle(bundle.subarray(0, 5))).toThrow(
      'entry bundle ends inside a length prefix',
    );
    expect(() => decodeEntryBundle(bundle.subarray(0, 9))).toThrow('entry bundle ends inside an entry');
    expect(() => encodeEntryBundle([new Uint8Array(0x10000)])).toThrow('at most 65535 bytes');
  });
});

describe('publishing tiles batch by batch', () => {
  it('gives the same objects whatever the batch split, and every node of the reference tree', () => {
    const total = 66_000; // past a full level-1 tile (65,536 leaves): levels 0, 1 and 2.
    const one = publish([total]);
    const splits = [
      [1, 255, 1, 256, 65_000, 487],
      Array.from({ length: 66 }, () => 1000),
      [65_535, 1, 1, 463],
    ];
    for (const split of splits) {
      const other = publish(split);
      expect(other.head.size).toBe(total);
      expect(Buffer.concat(other.head.range)).toEqual(Buffer.concat(one.head.range));
      // The final objects agree (each split also wrote the partial tiles of its own intermediate sizes).
      const differing = [...one.objects].filter(
        ([key, body]) => !Buffer.from(body).equals(other.objects.get(key) ?? new Uint8Array()),
      );
      expect(differing.map(([key]) => key)).toEqual([]);
    }
    expect(one.objects.has('tile/2/000.p/1')).toBe(true);
    expect(one.objects.has('tile/1/000')).toBe(true);
    expect(one.objects.has('tile/1/001.p/1')).toBe(true);

    const reference = CompactRange.empty();
    const nodes = new Map<string, Uint8Array>();
    for (let i = 0; i < total; i++)
      reference.append(leafHash(entry(i)), (node) => {
        if (node.level >= 7 || node.index % 97 === 0) nodes.set(`${node.level}/${node.index}`, node.hash);
      });
    for (const [id, hash] of nodes) {
      const [level, index] = id.split('/').map(Number) as [number, number];
      expect(Buffer.from(nodeFromTiles(one.objects, total, level, index))).toEqual(Buffer.from(hash));
    }
    const root = rangeNodes(0, total).map(({ level, index }) =>
      nodeFromTiles(one.objects, total, level, index),
    );
    expect(root.map((h) => Buffer.from(h).toString('hex'))).toEqual(
      reference.hashes.map((h) => Buffer.from(h).toString('hex')),
    );
  }, 60_000); // 66,000 leaves hashed four times over: seconds on a shared machine.

  it('refuses objects built on a changed prefix: they disagree with the committed head', () => {
    const { objects, head } = publish([10]);
    const forged = Buffer.from(objects.get('tile/0/000.p/10') as Uint8Array);
    forged[0] = (forged[0] as number) ^ 1;
    const entries = [entry(10)];
    const next = integrate(head, entries.map(leafHash)).head;
    const prefixes = new Map(prefixKeys(10, 11).map((k) => [k, objects.get(k) as Uint8Array]));
    prefixes.set('tile/0/000.p/10', forged);
    const batch = batchObjects(10, entries, entries.map(leafHash), prefixes);
    expect(checkBatchObjects(11, batch, next.range)).toBe(
      'entry 0 of tile/entries/000.p/11 does not hash to its leaf hash in tile/0/000.p/11',
    );
    // Forged consistently (bundle and leaf hash): the subtree roots no longer match the head.
    const bundle = decodeEntryBundle(objects.get('tile/entries/000.p/10') as Uint8Array);
    bundle[0] = Buffer.from('{"id":"forged"}');
    prefixes.set('tile/entries/000.p/10', encodeEntryBundle(bundle));
    const hashes = decodeHashTile(objects.get('tile/0/000.p/10') as Uint8Array);
    hashes[0] = leafHash(bundle[0]);
    prefixes.set('tile/0/000.p/10', Buffer.concat(hashes));
    const consistent = batchObjects(10, entries, entries.map(leafHash), prefixes);
    expect(checkBatchObjects(11, consistent, next.range)).toBe(
      'tile/0/000.p/11 does not agree with the tree head of size 11',
    );
    expect(
      createHash('sha256')
        .update(objects.get('tile/0/000.p/10') as Uint8Array)
        .digest('hex'),
    ).not.toBe(createHash('sha256').update(forged).digest('hex'));
  });
});
