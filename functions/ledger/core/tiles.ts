/**
 * The ledger's S3 layout, after C2SP tlog-tiles (https://c2sp.org/tlog-tiles): pure functions, no I/O.
 *
 * - Hash tiles `tile/<L>/<N>`: tile N of level L holds the hashes of the tree nodes at height 8·L with indices
 *   [256·N, 256·N + 256), concatenated (32 bytes each). Level 0 holds the leaf hashes. A tile that is not full
 *   yet is written as `tile/<L>/<N>.p/<W>` (its first W hashes), one object per width the log passed through.
 * - Entry bundles `tile/entries/<N>[.p/<W>]`: entries [256·N, 256·N + W), each as a big-endian uint16 length
 *   and the entry bytes.
 * - N is written in 3-digit groups, all but the last prefixed with `x` (1234067 is `x001/x234/067`).
 *
 * Every object is written once: its content is fixed by the log's entries and their order, so two writers
 * that publish the same batch write the same bytes.
 */
import { hashesEqual, leafHash, nodeHash } from './rfc6962.ts';

const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
/** An entry bundle's length prefix is a uint16. */
export const MAX_BUNDLED_ENTRY_BYTES = 0xffff;
const HASH_BYTES = 32;

class TileFormatError extends Error {
  override readonly name = 'TileFormatError';
}

/** `1234067` -> `x001/x234/067`. */
export function tileIndexPath(index: number): string {
  if (!Number.isSafeInteger(index) || index < 0) throw new RangeError(`invalid tile index ${index}`);
  let digits = String(index);
  digits = digits.padStart(Math.ceil(digits.length / 3) * 3, '0');
  const groups = digits.match(/\d{3}/g) as string[];
  return groups.map((group, i) => (i < groups.length - 1 ? `x${group}` : group)).join('/');
}

function widthSuffix(width: number): string {
  if (!Number.isInteger(width) || width < 1 || width > TILE_WIDTH)
    throw new RangeError(`invalid tile width ${width}`);
  return width === TILE_WIDTH ? '' : `.p/${width}`;
}

export function hashTileKey(level: number, index: number, width: number): string {
  return `tile/${level}/${tileIndexPath(index)}${widthSuffix(width)}`;
}

export function entryBundleKey(index: number, width: number): string {
  return `tile/entries/${tileIndexPath(index)}${widthSuffix(width)}`;
}

/** How many nodes of height 8·level a tree of `size` leaves has. */
function nodesAtTileLevel(size: number, level: number): number {
  return Math.floor(size / TILE_WIDTH ** level);
}

/** The width of tile `index` of `level` in a tree of `size` leaves; 0 if the tree does not reach it. */
export function tileWidth(level: number, index: number, size: number): number {
  return Math.max(0, Math.min(TILE_WIDTH, nodesAtTileLevel(size, level) - index * TILE_WIDTH));
}

/** The level-0 tile a tree of `size` (> 0) leaves ends in: written last when a batch is published. */
export function lastLeafTileKey(size: number): string {
  if (!Number.isSafeInteger(size) || size < 1) throw new RangeError(`invalid tree size ${size}`);
  const index = Math.floor((size - 1) / TILE_WIDTH);
  return hashTileKey(0, index, size - index * TILE_WIDTH);
}

/** Where the hashes below node (level, index) sit: 2^r consecutive hashes of one tile of level ⌊level / 8⌋. */
export function nodeLocation(level: number, index: number) {
  const tileLevel = Math.floor(level / TILE_HEIGHT);
  const count = 2 ** (level % TILE_HEIGHT);
  const first = index * count;
  return { tileLevel, tileIndex: Math.floor(first / TILE_WIDTH), offset: first % TILE_WIDTH, count };
}

export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  let total = 0;
  for (const entry of entries) {
    if (entry.length > MAX_BUNDLED_ENTRY_BYTES)
      throw new TileFormatError(`an entry bundle holds entries of at most ${MAX_BUNDLED_ENTRY_BYTES} bytes`);
    total += 2 + entry.length;
  }
  const out = Buffer.alloc(total);
  let at = 0;
  for (const entry of entries) {
    out.writeUInt16BE(entry.length, at);
    out.set(entry, at + 2);
    at += 2 + entry.length;
  }
  return out;
}

export function decodeEntryBundle(bytes: Uint8Array): Uint8Array[] {
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const entries: Uint8Array[] = [];
  let at = 0;
  while (at < view.length) {
    if (at + 2 > view.length) throw new TileFormatError('entry bundle ends inside a length prefix');
    const length = view.readUInt16BE(at);
    if (at + 2 + length > view.length) throw new TileFormatError('entry bundle ends inside an entry');
    entries.push(view.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return entries;
}

function encodeHashTile(hashes: readonly Uint8Array[]): Uint8Array {
  return Buffer.concat(hashes);
}

export function decodeHashTile(bytes: Uint8Array): Uint8Array[] {
  if (bytes.length % HASH_BYTES !== 0 || bytes.length > TILE_WIDTH * HASH_BYTES)
    throw new TileFormatError(`a hash tile of ${bytes.length} bytes is not whole 32-byte hashes`);
  const hashes: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += HASH_BYTES) hashes.push(bytes.subarray(at, at + HASH_BYTES));
  return hashes;
}

/** The RFC 6962 root of a perfect subtree whose 2^k bottom hashes are given left to right. */
export function perfectRoot(hashes: readonly Uint8Array[]): Uint8Array {
  let layer = [...hashes];
  if (layer.length === 0 || (layer.length & (layer.length - 1)) !== 0)
    throw new RangeError(`a perfect subtree has 2^k nodes, not ${layer.length}`);
  while (layer.length > 1) {
    const next: Uint8Array[] = [];
    for (let i = 0; i < layer.length; i += 2)
      next.push(nodeHash(layer[i] as Uint8Array, layer[i + 1] as Uint8Array));
    layer = next;
  }
  return layer[0] as Uint8Array;
}

export interface TileObject {
  key: string;
  body: Uint8Array;
}

/** The existing partial tiles and bundle a batch from tree size `from` to `to` extends (their keys). */
export function prefixKeys(from: number, to: number): string[] {
  const keys: string[] = [];
  if (from % TILE_WIDTH !== 0) keys.push(entryBundleKey(Math.floor(from / TILE_WIDTH), from % TILE_WIDTH));
  for (let level = 0; nodesAtTileLevel(to, level) > nodesAtTileLevel(from, level); level++) {
    const before = nodesAtTileLevel(from, level);
    if (before % TILE_WIDTH !== 0)
      keys.push(hashTileKey(level, Math.floor(before / TILE_WIDTH), before % TILE_WIDTH));
  }
  return keys;
}

/**
 * Every object that changes when the entries `entries` (with leaf hashes `leafHashes`) are appended to a tree
 * of `from` leaves: the entry bundles and the hash tiles of every level the batch reaches. `prefixes` holds the
 * existing objects named by prefixKeys(from, from + entries.length). The tile that the new tree ends in at
 * level 0 (lastLeafTileKey) comes last.
 */
export function batchObjects(
  from: number,
  entries: readonly Uint8Array[],
  leafHashes: readonly Uint8Array[],
  prefixes: ReadonlyMap<string, Uint8Array>,
): TileObject[] {
  if (entries.length !== leafHashes.length || entries.length === 0)
    throw new RangeError('a batch has as many leaf hashes as entries, and at least one');
  const to = from + entries.length;
  const prefix = (key: string) => {
    const bytes = prefixes.get(key);
    if (!bytes) throw new TileFormatError(`missing ${key}`);
    return bytes;
  };
  const objects: TileObject[] = [];
  for (let n = Math.floor(from / TILE_WIDTH); n * TILE_WIDTH < to; n++) {
    const start = n * TILE_WIDTH;
    const end = Math.min(start + TILE_WIDTH, to);
    const before = start < from ? decodeEntryBundle(prefix(entryBundleKey(n, from - start))) : [];
    if (before.length !== Math.max(0, from - start))
      throw new TileFormatError(`${entryBundleKey(n, from - start)} holds ${before.length} entries`);
    const items = [...before, ...entries.slice(Math.max(start, from) - from, end - from)];
    objects.push({ key: entryBundleKey(n, end - start), body: encodeEntryBundle(items) });
  }
  const hashTiles: TileObject[] = [];
  let fresh: Uint8Array[] = [...leafHashes];
  let firstFresh = from;
  for (let level = 0; fresh.length > 0; level++) {
    const count = firstFresh + fresh.length;
    const completed: Uint8Array[] = [];
    let firstCompleted = 0;
    for (let n = Math.floor(firstFresh / TILE_WIDTH); n * TILE_WIDTH < count; n++) {
      const start = n * TILE_WIDTH;
      const end = Math.min(start + TILE_WIDTH, count);
      const before =
        start < firstFresh ? decodeHashTile(prefix(hashTileKey(level, n, firstFresh - start))) : [];
      if (before.length !== Math.max(0, firstFresh - start))
        throw new TileFormatError(
          `${hashTileKey(level, n, firstFresh - start)} holds ${before.length} hashes`,
        );
      const hashes = [...before, ...fresh.slice(Math.max(start, firstFresh) - firstFresh, end - firstFresh)];
      hashTiles.push({ key: hashTileKey(level, n, end - start), body: encodeHashTile(hashes) });
      if (hashes.length === TILE_WIDTH) {
        if (completed.length === 0) firstCompleted = n;
        completed.push(perfectRoot(hashes));
      }
    }
    fresh = completed;
    firstFresh = firstCompleted;
  }
  // Level 0 was built first; its last tile (the marker of a published batch) goes last.
  const leafTiles = hashTiles.filter((t) => t.key.startsWith('tile/0/'));
  const upper = hashTiles.filter((t) => !t.key.startsWith('tile/0/'));
  return [...objects, ...upper, ...leafTiles];
}

/**
 * Checks a batch's objects against the compact range of the tree of `to` leaves (what the ledger table
 * committed), before any of them is written: each new entry bundle must hash to its level-0 tile, and the
 * subtrees on the right edge of every level the batch reached must be the compact range's. Built from a
 * changed published tile, the objects fail here instead of carrying the change into new write-once objects.
 * Returns a description of the first disagreement, or undefined.
 */
export function checkBatchObjects(
  to: number,
  objects: readonly TileObject[],
  range: readonly Uint8Array[],
): string | undefined {
  const byKey = new Map(objects.map((o) => [o.key, o.body]));
  for (const object of objects) {
    if (!object.key.startsWith('tile/entries/')) continue;
    const tileKey = `tile/0/${object.key.slice('tile/entries/'.length)}`;
    const hashes = decodeHashTile(byKey.get(tileKey) ?? new Uint8Array());
    const entries = decodeEntryBundle(object.body);
    if (entries.length !== hashes.length) return `${object.key} and ${tileKey} differ in length`;
    for (const [i, entry] of entries.entries())
      if (!hashesEqual(leafHash(entry), hashes[i] as Uint8Array))
        return `entry ${i} of ${object.key} does not hash to its leaf hash in ${tileKey}`;
  }
  let top = 0;
  while (nodesAtTileLevel(to, top + 1) > 0) top++;
  let at = 0;
  for (let level = top; level >= 0; level--) {
    const count = nodesAtTileLevel(to, level);
    const digit = count % TILE_WIDTH;
    if (digit === 0) continue;
    const key = hashTileKey(level, Math.floor(count / TILE_WIDTH), digit);
    const body = byKey.get(key);
    let offset = 0;
    for (let bit = TILE_HEIGHT - 1; bit >= 0; bit--) {
      if ((digit & (1 << bit)) === 0) continue;
      const expected = range[at];
      if (body) {
        const hashes = decodeHashTile(body).slice(offset, offset + (1 << bit));
        if (!expected || hashes.length !== 1 << bit || !hashesEqual(perfectRoot(hashes), expected))
          return `${key} does not agree with the tree head of size ${to}`;
      }
      offset += 1 << bit;
      at++;
    }
  }
  return at === range.length
    ? undefined
    : `the tree head of size ${to} has ${range.length} subtrees, not ${at}`;
}
