/**
 * The ledger store on AWS: DynamoDB sequences, S3 keeps the tiles (C2SP tlog-tiles layout, see functions/ledger/core/tiles.ts).
 * A reader can understand this driver on its own, as Tessera's storage/aws; the table is described in
 * table-schema.ts.
 *
 * Sequencing a batch (`sequence`):
 * 1. read the tree head item (size, compact range, version) and look up the batch's ids (consistent reads);
 * 2. run the pure `integrate` over the new leaf hashes: the new size and compact range;
 * 3. stage the batch's entries in S3 under a content address, `seq/<sha-256 of the bundle>` (write-once; a
 *    retry or a racing writer with the same entries writes the same object);
 * 4. one TransactWriteItems: the head's compare-and-set (`version = :seen`), the batch item and one item per
 *    entry id (`attribute_not_exists`). Of two writers that read the same head only one commits; the other's
 *    transaction is cancelled, it re-reads the head and its ids (some may now be in the log), integrates again
 *    and retries. No index is ever given twice and the tree cannot fork: every head extends the one it replaced.
 *    A transaction holds at most MAX_TRANSACTION_ENTRIES new entries; a larger batch is committed in parts;
 * 5. publish the tiles: entry bundles and hash tiles of every level the batch reaches, each written once
 *    (`If-None-Match: *`), built from the batch and the partial tiles of the previous size, the level-0 tile of
 *    the new size last (it marks the batch as published). The call resolves after that.
 *
 * A writer that dies between 4 and 5 leaves committed but unpublished batches. Whoever next needs the tiles
 * (the next batch, a read) walks the batch items back to the last published one and publishes the missing
 * ones from their staged entries; the objects are determined by the log, so concurrent repairs write the same
 * bytes, and an existing object with other bytes is reported as tampering.
 *
 * Checkpoints are items `CHECKPOINT/<size>` (conditional put per size) and write-once objects
 * `checkpoints/<size>` in the tiles bucket; an optional CheckpointAnchor copies them to an Object Lock bucket.
 * Nothing here deletes, and the only update is the head's compare-and-set.
 */
import { randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Integrate, TreeHead } from '../../../ledger/core/integrate.ts';
import type { NodeId } from '../../../ledger/core/node-id.ts';
import { leafHash } from '../../../ledger/core/rfc6962.ts';
import { formatNote, parseNote, parseSignatureLine } from '../../../ledger/core/signed-note.ts';
import {
  batchObjects,
  checkBatchObjects,
  decodeEntryBundle,
  decodeHashTile,
  encodeEntryBundle,
  entryBundleKey,
  hashTileKey,
  lastLeafTileKey,
  MAX_BUNDLED_ENTRY_BYTES,
  nodeLocation,
  perfectRoot,
  prefixKeys,
  TILE_WIDTH,
  tileWidth,
} from '../../../ledger/core/tiles.ts';
import { InvalidEntryError, NoLogYetError } from '../../../ledger/errors.ts';
import type {
  LedgerStore,
  PreparedEntry,
  SequencedEntry,
  StoredCheckpoint,
  StoredEntry,
} from '../../../ledger/ports/ledger-store.ts';
import { sha256Hex } from '../../../shared/hashing.ts';
import type { CheckpointAnchor } from './anchor.ts';
import { auditWriteOnceBucket, type WriteOnceAudit } from './bucket-audit.ts';
import {
  BATCH_PARTITION,
  CHECKPOINT_PARTITION,
  COSIGNATURE_PARTITION_PREFIX,
  HEAD_PARTITION,
  idPartition,
  ORIGIN_PARTITION,
  sortableNumber,
  VERIFIER_KEY_PARTITION,
} from './table-schema.ts';
import { LedgerStorageTamperError, WriteOnceBucket } from './write-once-bucket.ts';

export { LedgerStorageTamperError } from './write-once-bucket.ts';

/** TransactWriteItems takes at most 100 actions: the head, the batch item, and one id item per entry. */
export const MAX_TRANSACTION_ENTRIES = 98;
const BATCH_GET_KEYS = 100;
const DEFAULT_MAX_ATTEMPTS = 50;
const DEFAULT_CACHE_BYTES = 32 * 1024 * 1024;

/** A write through a read-only store. */
export class LedgerReadOnlyError extends Error {
  override readonly name = 'LedgerReadOnlyError';
}

/** Sequencing lost the race for the head more often than allowed: too many concurrent writers. */
export class LedgerContentionError extends Error {
  override readonly name = 'LedgerContentionError';
}

export interface AwsLedgerStoreOptions {
  dynamodb: DynamoDBClient;
  s3: S3Client;
  tableName: string;
  tilesBucket: string;
  /** Copies checkpoints to an Object Lock bucket (and verifier keys next to them). */
  anchor?: CheckpointAnchor;
  /** Lost races tolerated per `sequence` call before LedgerContentionError (default 50). */
  maxAttempts?: number;
  /** Bytes of immutable S3 objects (tiles, bundles) kept in memory (default 32 MiB). */
  cacheBytes?: number;
  /**
   * Reads only (an auditor-facing function): every write throws LedgerReadOnlyError, the origin and verifier
   * keys must exist already, and reads stop at the newest published tree size.
   */
  readOnly?: boolean;
  now?: () => Date;
}

interface Head extends TreeHead {
  version: number;
}

interface BatchItem {
  first: number;
  count: number;
  bundle: string;
  /** The compact range of the tree this batch ends. */
  range: Uint8Array[];
}

interface Item {
  [attribute: string]: unknown;
}

/** A committed batch, as publishing needs it. */
interface PublishedBatch {
  first: number;
  entries: readonly Uint8Array[];
  leafHashes: readonly Uint8Array[];
  /** The compact range of the tree the batch ends: the published tiles must agree with it. */
  range: readonly Uint8Array[];
}

function toBytes(value: unknown): Uint8Array {
  if (value instanceof Uint8Array) return value;
  throw new LedgerStorageTamperError('a binary attribute of the ledger table is not binary');
}

function splitHashes(bytes: Uint8Array): Uint8Array[] {
  const hashes: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += 32) hashes.push(bytes.subarray(at, at + 32));
  return hashes;
}

function isLostRace(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  if (name === 'TransactionConflictException') return true;
  if (name !== 'TransactionCanceledException') return false;
  const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
  return reasons.every((r) =>
    ['None', 'ConditionalCheckFailed', 'TransactionConflict', undefined].includes(r.Code),
  );
}

function isConditionFailed(error: unknown): boolean {
  return error instanceof Error && error.name === 'ConditionalCheckFailedException';
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Immutable objects by key, up to a byte budget, least recently used out first. */
class ObjectCache {
  readonly #map = new Map<string, Uint8Array>();
  #bytes = 0;
  constructor(readonly maxBytes: number) {}

  get(key: string): Uint8Array | undefined {
    const value = this.#map.get(key);
    if (value) {
      this.#map.delete(key);
      this.#map.set(key, value);
    }
    return value;
  }

  set(key: string, value: Uint8Array): void {
    if (value.length > this.maxBytes || this.#map.has(key)) return;
    this.#map.set(key, value);
    this.#bytes += value.length;
    for (const [oldest, bytes] of this.#map) {
      if (this.#bytes <= this.maxBytes) break;
      this.#map.delete(oldest);
      this.#bytes -= bytes.length;
    }
  }
}

export class AwsLedgerStore implements LedgerStore {
  readonly tableName: string;
  readonly tiles: WriteOnceBucket;
  readonly anchor: CheckpointAnchor | undefined;
  readonly readOnly: boolean;
  readonly #db: DynamoDBDocumentClient;
  readonly #maxAttempts: number;
  readonly #cache: ObjectCache;
  readonly #now: () => Date;
  /** A tree size whose tiles this process knows are published (so are those of every smaller size). */
  #publishedSize = 0;
  /**
   * What this instance went through: transactions that lost the head to another writer, and batches it
   * published for a writer that stopped before publishing them.
   */
  readonly stats = { lostRaces: 0, repairedBatches: 0 };

  constructor(options: AwsLedgerStoreOptions) {
    this.tableName = options.tableName;
    this.tiles = new WriteOnceBucket(options.s3, options.tilesBucket);
    this.anchor = options.anchor;
    this.readOnly = options.readOnly ?? false;
    this.#db = DynamoDBDocumentClient.from(options.dynamodb, {
      marshallOptions: { removeUndefinedValues: true },
    });
    this.#maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.#cache = new ObjectCache(options.cacheBytes ?? DEFAULT_CACHE_BYTES);
    this.#now = options.now ?? (() => new Date());
  }

  // ---- sequencing ---------------------------------------------------------------------------------------

  #writable(what: string): void {
    if (this.readOnly) throw new LedgerReadOnlyError(`this ledger store is read-only: cannot ${what}`);
  }

  /** Every item of a consistent query on the ledger table, page by page (the next page is read on demand). */
  async *#query(
    input: Omit<QueryCommandInput, 'TableName' | 'ConsistentRead' | 'ExclusiveStartKey'>,
  ): AsyncGenerator<Item> {
    let cursor: Record<string, unknown> | undefined;
    do {
      const page = await this.#db.send(
        new QueryCommand({
          TableName: this.tableName,
          ...input,
          ConsistentRead: true,
          ExclusiveStartKey: cursor,
        }),
      );
      yield* page.Items ?? [];
      cursor = page.LastEvaluatedKey;
    } while (cursor);
  }

  /** A put unless the item's partition exists: true if written, false if it was there already. */
  async #putIfAbsent(item: Item): Promise<boolean> {
    try {
      await this.#db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return true;
    } catch (error) {
      if (!isConditionFailed(error)) throw error;
      return false;
    }
  }

  async sequence(entries: readonly PreparedEntry[], integrate: Integrate): Promise<SequencedEntry[]> {
    this.#writable('append entries');
    for (const entry of entries)
      if (entry.bytes.length > MAX_BUNDLED_ENTRY_BYTES)
        throw new InvalidEntryError(
          `entry ${entry.id} is ${entry.bytes.length} bytes: the AWS store's entry bundles (C2SP tlog-tiles) hold at most ${MAX_BUNDLED_ENTRY_BYTES}`,
        );
    const firstOf = new Map<string, number>();
    entries.forEach((entry, i) => {
      if (!firstOf.has(entry.id)) firstOf.set(entry.id, i);
    });
    const resolved = new Map<string, SequencedEntry>();
    let lost = 0;
    while (resolved.size < firstOf.size) {
      const pending = [...firstOf.keys()].filter((id) => !resolved.has(id));
      const head = await this.#readHead();
      const existing = await this.#lookupIds(pending);
      for (const [id, found] of existing) resolved.set(id, { id, ...found, created: false });
      const fresh = pending
        .filter((id) => !existing.has(id))
        .slice(0, MAX_TRANSACTION_ENTRIES)
        .map((id) => entries[firstOf.get(id) as number] as PreparedEntry);
      if (fresh.length === 0) break;
      const committed = await this.#commit(head, fresh, integrate);
      if (!committed) {
        lost++;
        this.stats.lostRaces++;
        if (lost >= this.#maxAttempts)
          throw new LedgerContentionError(
            `lost the race for the ledger head ${lost} times in a row: too many concurrent writers`,
          );
        await sleep(Math.random() * Math.min(200, 5 * 2 ** Math.min(lost, 6)));
        continue;
      }
      lost = 0;
      for (const [i, entry] of fresh.entries())
        resolved.set(entry.id, {
          id: entry.id,
          index: head.size + i,
          leafHash: entry.leafHash,
          created: true,
        });
      await this.#publish({
        first: head.size,
        entries: fresh.map((e) => e.bytes),
        leafHashes: fresh.map((e) => e.leafHash),
        range: committed.range,
      });
    }
    return entries.map((entry, i) => {
      const result = resolved.get(entry.id) as SequencedEntry;
      return firstOf.get(entry.id) === i ? result : { ...result, created: false };
    });
  }

  /** One conditional transaction: the new head, or undefined if another writer moved the head first. */
  async #commit(
    head: Head,
    fresh: readonly PreparedEntry[],
    integrate: Integrate,
  ): Promise<TreeHead | undefined> {
    const integration = integrate(
      { size: head.size, range: head.range },
      fresh.map((e) => e.leafHash),
    );
    if (integration.head.size !== head.size + fresh.length)
      throw new Error('integration lost or added leaves');
    const bundle = encodeEntryBundle(fresh.map((e) => e.bytes));
    const bundleKey = `seq/${sha256Hex(bundle)}`;
    await this.tiles.put(bundleKey, bundle);
    const now = this.#now().toISOString();
    const put = (item: Item) => ({
      Put: {
        TableName: this.tableName,
        Item: item,
        ConditionExpression: 'attribute_not_exists(#pk)',
        ExpressionAttributeNames: { '#pk': 'pk' },
      },
    });
    try {
      await this.#db.send(
        new TransactWriteCommand({
          // Makes the SDK's own retries of this request idempotent (for 10 minutes).
          ClientRequestToken: randomUUID(),
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: HEAD_PARTITION, sk: HEAD_PARTITION },
                UpdateExpression: 'SET #size = :size, #range = :range, #version = :version, #at = :at',
                ConditionExpression:
                  head.version === 0 ? 'attribute_not_exists(#pk)' : '#version = :seen AND #size = :seenSize',
                ExpressionAttributeNames: {
                  '#size': 'size',
                  '#range': 'range',
                  '#version': 'version',
                  '#at': 'updatedAt',
                  ...(head.version === 0 ? { '#pk': 'pk' } : {}),
                },
                ExpressionAttributeValues: {
                  ':size': integration.head.size,
                  ':range': Buffer.concat(integration.head.range),
                  ':version': head.version + 1,
                  ':at': now,
                  ...(head.version === 0 ? {} : { ':seen': head.version, ':seenSize': head.size }),
                },
              },
            },
            put({
              pk: BATCH_PARTITION,
              sk: sortableNumber(head.size),
              first: head.size,
              count: fresh.length,
              bundle: bundleKey,
              range: Buffer.concat(integration.head.range),
              committedAt: now,
            }),
            ...fresh.map((entry, i) =>
              put({
                pk: idPartition(entry.id),
                sk: 'ID',
                id: entry.id,
                index: head.size + i,
                leafHash: entry.leafHash,
              }),
            ),
          ],
        }),
      );
      return integration.head;
    } catch (error) {
      if (isLostRace(error)) return undefined;
      throw error;
    }
  }

  async #readHead(): Promise<Head> {
    const out = await this.#db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: HEAD_PARTITION, sk: HEAD_PARTITION },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) return { size: 0, range: [], version: 0 };
    return {
      size: Number(out.Item.size),
      range: splitHashes(toBytes(out.Item.range)),
      version: Number(out.Item.version),
    };
  }

  async #lookupIds(ids: readonly string[]): Promise<Map<string, { index: number; leafHash: Uint8Array }>> {
    const found = new Map<string, { index: number; leafHash: Uint8Array }>();
    for (let at = 0; at < ids.length; at += BATCH_GET_KEYS) {
      let keys: Item[] | undefined = ids
        .slice(at, at + BATCH_GET_KEYS)
        .map((id) => ({ pk: idPartition(id), sk: 'ID' }));
      for (let round = 0; keys && keys.length > 0; round++) {
        if (round > 0) await sleep(Math.min(1000, 20 * 2 ** round));
        const out = await this.#db.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } },
          }),
        );
        for (const item of out.Responses?.[this.tableName] ?? [])
          found.set(String(item.id), { index: Number(item.index), leafHash: toBytes(item.leafHash) });
        keys = out.UnprocessedKeys?.[this.tableName]?.Keys as Item[] | undefined;
      }
    }
    return found;
  }

  // ---- publishing tiles ---------------------------------------------------------------------------------

  async #publish(batch: PublishedBatch): Promise<void> {
    if (batch.first > this.#publishedSize) await this.#ensurePublished(batch.first);
    await this.#writeBatchObjects(batch);
  }

  async #writeBatchObjects({ first, entries, leafHashes, range }: PublishedBatch): Promise<void> {
    const to = first + entries.length;
    const used = prefixKeys(first, to);
    const prefixes = new Map<string, Uint8Array>();
    await Promise.all(
      used.map(async (key) => {
        const bytes = await this.#read(key);
        if (!bytes)
          throw new LedgerStorageTamperError(
            `${this.tiles.uri(key)} is missing, but the tiles of tree size ${first} were published`,
          );
        prefixes.set(key, bytes);
      }),
    );
    const objects = batchObjects(first, entries, leafHashes, prefixes);
    const problem = checkBatchObjects(to, objects, range);
    if (problem)
      throw new LedgerStorageTamperError(
        `the tiles of tree size ${to} cannot be published: ${problem}; a published object they extend was changed (${used.map((k) => this.tiles.uri(k)).join(', ') || 'none'}): run verifyWriteOnce`,
      );
    const marker = objects.at(-1) as { key: string; body: Uint8Array };
    await Promise.all(objects.slice(0, -1).map((o) => this.tiles.put(o.key, o.body)));
    await this.tiles.put(marker.key, marker.body);
    for (const o of objects) this.#cache.set(o.key, o.body);
    this.#publishedSize = Math.max(this.#publishedSize, to);
  }

  /**
   * The committed batches up to tree size `size` whose tiles are not published (oldest first), found by walking
   * the batch items back from `size` to the first whose end is published, and that end.
   */
  async #unpublished(size: number): Promise<{ published: number; pending: BatchItem[] }> {
    if (size <= this.#publishedSize || (await this.tiles.exists(lastLeafTileKey(size))))
      return { published: size, pending: [] };
    const pending: BatchItem[] = [];
    let end = size;
    for await (const item of this.#query({
      KeyConditionExpression: 'pk = :pk AND sk <= :last',
      ExpressionAttributeValues: { ':pk': BATCH_PARTITION, ':last': sortableNumber(size - 1) },
      ScanIndexForward: false,
    })) {
      const batch: BatchItem = {
        first: Number(item.first),
        count: Number(item.count),
        bundle: String(item.bundle),
        range: splitHashes(toBytes(item.range)),
      };
      if (batch.first + batch.count !== end)
        throw new LedgerStorageTamperError(
          `the ledger table's batches do not tile the log: the batch at ${batch.first} ends at ${batch.first + batch.count}, not ${end}`,
        );
      pending.push(batch);
      end = batch.first;
      if (end <= this.#publishedSize || end === 0 || (await this.tiles.exists(lastLeafTileKey(end))))
        return { published: end, pending: pending.reverse() };
    }
    throw new LedgerStorageTamperError(`the ledger table has no batch ending at index ${end}`);
  }

  /** Publishes the tiles of every committed batch up to tree size `size` that are not published yet. */
  async #ensurePublished(size: number): Promise<void> {
    const { published, pending } = await this.#unpublished(size);
    this.#publishedSize = Math.max(this.#publishedSize, published);
    for (const batch of pending) {
      const bundle = await this.tiles.get(batch.bundle);
      if (!bundle || `seq/${sha256Hex(bundle)}` !== batch.bundle)
        throw new LedgerStorageTamperError(
          `${this.tiles.uri(batch.bundle)} (the staged entries of batch ${batch.first}) is ${bundle ? 'not what was staged' : 'missing'}`,
        );
      const entries = decodeEntryBundle(bundle);
      if (entries.length !== batch.count)
        throw new LedgerStorageTamperError(
          `${this.tiles.uri(batch.bundle)} holds ${entries.length} entries, batch ${batch.first} has ${batch.count}`,
        );
      await this.#writeBatchObjects({
        first: batch.first,
        entries,
        leafHashes: entries.map(leafHash),
        range: batch.range,
      });
      this.stats.repairedBatches++;
    }
  }

  async #read(key: string): Promise<Uint8Array | undefined> {
    const cached = this.#cache.get(key);
    if (cached) return cached;
    const bytes = await this.tiles.get(key);
    if (bytes) this.#cache.set(key, bytes);
    return bytes;
  }

  async #mustRead(key: string): Promise<Uint8Array> {
    const bytes = await this.#read(key);
    if (!bytes)
      throw new LedgerStorageTamperError(`${this.tiles.uri(key)} is missing from the published tiles`);
    return bytes;
  }

  /**
   * A tree size of at least `atLeast` (when the log has it) whose tiles are published. A writer publishes what
   * is missing; a read-only store reads the newest published size.
   */
  async #readableSize(atLeast: number): Promise<number> {
    if (atLeast <= this.#publishedSize) return this.#publishedSize;
    const { size } = await this.#readHead();
    if (!this.readOnly) {
      await this.#ensurePublished(size);
      return size;
    }
    const { published } = await this.#unpublished(size);
    this.#publishedSize = Math.max(this.#publishedSize, published);
    return published;
  }

  // ---- reading ------------------------------------------------------------------------------------------

  async head(): Promise<TreeHead> {
    const { size, range } = await this.#readHead();
    return { size, range };
  }

  async nodeHashes(ids: readonly NodeId[]): Promise<Uint8Array[]> {
    if (ids.length === 0) return [];
    const span = ({ level, index }: NodeId) => (index + 1) * 2 ** level;
    const size = await this.#readableSize(Math.max(...ids.map(span)));
    const located = ids.map((id) => {
      if (!Number.isSafeInteger(id.index) || id.index < 0 || span(id) > size)
        throw new RangeError(`tree node ${id.level}/${id.index} is not in the log`);
      const at = nodeLocation(id.level, id.index);
      return {
        at,
        key: hashTileKey(at.tileLevel, at.tileIndex, tileWidth(at.tileLevel, at.tileIndex, size)),
      };
    });
    const tiles = new Map<string, Uint8Array[]>();
    await Promise.all(
      [...new Set(located.map((l) => l.key))].map(async (key) =>
        tiles.set(key, decodeHashTile(await this.#mustRead(key))),
      ),
    );
    return located.map(({ at, key }) => {
      const hashes = (tiles.get(key) as Uint8Array[]).slice(at.offset, at.offset + at.count);
      if (hashes.length !== at.count)
        throw new LedgerStorageTamperError(`${this.tiles.uri(key)} is shorter than its name says`);
      return at.count === 1 ? (hashes[0] as Uint8Array) : perfectRoot(hashes);
    });
  }

  async #bundle(tile: number, size: number): Promise<Uint8Array[]> {
    const width = Math.min(TILE_WIDTH, size - tile * TILE_WIDTH);
    const key = entryBundleKey(tile, width);
    const entries = decodeEntryBundle(await this.#mustRead(key));
    if (entries.length !== width)
      throw new LedgerStorageTamperError(
        `${this.tiles.uri(key)} holds ${entries.length} entries, not ${width}`,
      );
    return entries;
  }

  #stored(index: number, bytes: Uint8Array): StoredEntry {
    let id: unknown;
    try {
      id = (JSON.parse(Buffer.from(bytes).toString('utf8')) as { id?: unknown }).id;
    } catch {
      id = undefined;
    }
    if (typeof id !== 'string')
      throw new LedgerStorageTamperError(`entry ${index} in the tiles bucket is not a ledger entry`);
    return { index, id, bytes, leafHash: leafHash(bytes) };
  }

  async entry(index: number): Promise<StoredEntry | undefined> {
    if (!Number.isSafeInteger(index) || index < 0) return undefined;
    const size = await this.#readableSize(index + 1);
    if (index >= size) return undefined;
    const tile = Math.floor(index / TILE_WIDTH);
    const bundle = await this.#bundle(tile, size);
    return this.#stored(index, bundle[index - tile * TILE_WIDTH] as Uint8Array);
  }

  async entryById(id: string): Promise<StoredEntry | undefined> {
    const out = await this.#db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: idPartition(id), sk: 'ID' },
        ConsistentRead: true,
      }),
    );
    if (!out.Item || out.Item.id !== id) return undefined;
    const stored = await this.entry(Number(out.Item.index));
    if (!stored || stored.id !== id)
      throw new LedgerStorageTamperError(
        `the id index says ${id} is entry ${out.Item.index}, but that entry is ${stored ? stored.id : 'missing'}`,
      );
    return stored;
  }

  async *entries(start: number, end: number): AsyncIterable<StoredEntry> {
    if (end <= start) return;
    const size = await this.#readableSize(end);
    const stop = Math.min(end, size);
    let next: Promise<Uint8Array[]> | undefined;
    for (let tile = Math.floor(start / TILE_WIDTH); tile * TILE_WIDTH < stop; tile++) {
      const current = next ?? this.#bundle(tile, size);
      // Fetch the next bundle while this one is consumed.
      next = (tile + 1) * TILE_WIDTH < stop ? this.#bundle(tile + 1, size) : undefined;
      next?.catch(() => undefined);
      const bundle = await current;
      const base = tile * TILE_WIDTH;
      for (let i = Math.max(start, base); i < Math.min(stop, base + bundle.length); i++)
        yield this.#stored(i, bundle[i - base] as Uint8Array);
    }
  }

  // ---- checkpoints --------------------------------------------------------------------------------------

  async #cosignatureLines(size: number): Promise<string[]> {
    const lines: string[] = [];
    for await (const item of this.#query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `${COSIGNATURE_PARTITION_PREFIX}${sortableNumber(size)}` },
    }))
      lines.push(String(item.sk));
    return lines;
  }

  async #checkpoint(item: Item | undefined): Promise<StoredCheckpoint | undefined> {
    if (!item) return undefined;
    const size = Number(item.size);
    let note = String(item.note);
    const lines = await this.#cosignatureLines(size);
    if (lines.length > 0) {
      const parsed = parseNote(note);
      const known = new Set(parsed.signatures.map((s) => s.line));
      const extra = lines.filter((line) => !known.has(line)).map(parseSignatureLine);
      note = formatNote({ text: parsed.text, signatures: [...parsed.signatures, ...extra] });
    }
    return { size, rootHash: toBytes(item.rootHash), note };
  }

  async latestCheckpoint(): Promise<StoredCheckpoint | undefined> {
    const out = await this.#db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': CHECKPOINT_PARTITION },
        ScanIndexForward: false,
        Limit: 1,
        ConsistentRead: true,
      }),
    );
    return this.#checkpoint(out.Items?.[0]);
  }

  async #checkpointItem(size: number): Promise<Item | undefined> {
    const out = await this.#db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: CHECKPOINT_PARTITION, sk: sortableNumber(size) },
        ConsistentRead: true,
      }),
    );
    return out.Item;
  }

  async checkpointAt(size: number): Promise<StoredCheckpoint | undefined> {
    if (!Number.isSafeInteger(size) || size < 0) return undefined;
    return this.#checkpoint(await this.#checkpointItem(size));
  }

  async checkpointSizes(): Promise<number[]> {
    const sizes: number[] = [];
    for await (const item of this.#query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': CHECKPOINT_PARTITION },
      ProjectionExpression: 'sk',
    }))
      sizes.push(Number(item.sk));
    return sizes;
  }

  async publishCheckpoint(
    checkpoint: StoredCheckpoint,
  ): Promise<{ stored: StoredCheckpoint; created: boolean }> {
    this.#writable('publish a checkpoint');
    const created = await this.#putIfAbsent({
      pk: CHECKPOINT_PARTITION,
      sk: sortableNumber(checkpoint.size),
      size: checkpoint.size,
      rootHash: checkpoint.rootHash,
      note: checkpoint.note,
      signedAt: this.#now().toISOString(),
    });
    const item = created ? undefined : await this.#checkpointItem(checkpoint.size);
    const stored = created ? checkpoint : ((await this.#checkpoint(item)) as StoredCheckpoint);
    // The tiles bucket carries each checkpoint too, as signed (cosignatures stay in the table).
    const signed = created ? checkpoint.note : String(item?.note);
    await this.tiles.put(`checkpoints/${checkpoint.size}`, Buffer.from(signed, 'utf8'), {
      contentType: 'text/plain; charset=utf-8',
    });
    await this.anchor?.maybeAnchor(stored);
    return { stored, created };
  }

  async addCosignatures(size: number, note: string): Promise<void> {
    this.#writable('add cosignatures');
    const stored = await this.checkpointAt(size);
    if (!stored) throw new RangeError(`no checkpoint of size ${size}`);
    const own = parseNote(stored.note);
    const added = parseNote(note);
    if (added.text !== own.text) throw new Error(`the cosigned note is not the checkpoint of size ${size}`);
    const known = new Set(own.signatures.map((s) => s.line));
    for (const signature of added.signatures) {
      if (known.has(signature.line)) continue;
      await this.#putIfAbsent({
        pk: `${COSIGNATURE_PARTITION_PREFIX}${sortableNumber(size)}`,
        sk: signature.line,
        addedAt: this.#now().toISOString(),
      });
    }
  }

  // ---- keys and origin ----------------------------------------------------------------------------------

  async verifierKeys(): Promise<string[]> {
    const items: Item[] = [];
    for await (const item of this.#query({
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': VERIFIER_KEY_PARTITION },
    }))
      items.push(item);
    const order = (item: Item) => `${String(item.addedAt)}\n${String(item.sk)}`;
    return items.sort((a, b) => (order(a) < order(b) ? -1 : 1)).map((item) => String(item.sk));
  }

  async addVerifierKey(vkey: string): Promise<void> {
    if (this.readOnly) {
      if (!(await this.verifierKeys()).includes(vkey))
        throw new LedgerReadOnlyError(`this ledger store is read-only: ${vkey} is not one of the log's keys`);
      return;
    }
    await this.#putIfAbsent({ pk: VERIFIER_KEY_PARTITION, sk: vkey, addedAt: this.#now().toISOString() });
    await this.anchor?.publishVerifierKey(vkey);
  }

  async origin(proposed: string): Promise<string> {
    if (!this.readOnly)
      await this.#putIfAbsent({ pk: ORIGIN_PARTITION, sk: ORIGIN_PARTITION, origin: proposed });
    const out = await this.#db.send(
      new GetCommand({
        TableName: this.tableName,
        Key: { pk: ORIGIN_PARTITION, sk: ORIGIN_PARTITION },
        ConsistentRead: true,
      }),
    );
    if (!out.Item) throw new NoLogYetError(`the ledger table ${this.tableName} holds no log yet`);
    return String(out.Item.origin);
  }

  // ---- auditing -----------------------------------------------------------------------------------------

  /**
   * Lists every object version of the tiles bucket (and the anchor bucket, if any) and throws
   * LedgerStorageTamperError naming each write-once key with more than one version or a delete marker.
   */
  async verifyWriteOnce(): Promise<WriteOnceAudit[]> {
    const audits = [await auditWriteOnceBucket(this.tiles.s3, this.tiles.bucket)];
    if (this.anchor)
      audits.push(await auditWriteOnceBucket(this.anchor.bucket.s3, this.anchor.bucket.bucket));
    const problems = audits.flatMap((a) => a.problems.map((p) => p.message));
    if (problems.length > 0)
      throw new LedgerStorageTamperError(
        `${problems.length} write-once object(s) changed after they were written:\n  ${problems.join('\n  ')}`,
      );
    return audits;
  }
}
