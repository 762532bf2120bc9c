/**
 * The subject index in DynamoDB; the key design is in subject-index-table-schema.ts.
 *
 * - add: the batch's rows grouped by MAC, sorted, packed (subject-rows-codec.ts) and cut into items of at
 *   most SUBJECT_ROWS_PER_ITEM rows; first the manifest item(s) naming them, then the items, each through
 *   BatchWriteItem (25 a request, a few requests in flight), unprocessed items retried with backoff. An item
 *   is named by its content, so a retried `add` rewrites what it wrote; rows given by two `add` calls are in
 *   two items, and `locate` keeps each row once.
 * - clear: the version's manifest, read with a strongly consistent Query, names every item written for it;
 *   the items go first, then the manifest, so an interrupted clear can be run again. A GSI by version was
 *   the alternative: it costs a second write per item, sends all of a version's writes to one index
 *   partition, and is eventually consistent, so a clear could miss what was just written.
 * - locate: one strongly consistent Query on the MAC's partition; rows ascending, versions by id.
 *
 * No identifier is stored: the pk is the keyed hash, the rest row numbers and version ids.
 */
import { createHash } from 'node:crypto';
import {
  type AttributeValue,
  BatchWriteItemCommand,
  type DynamoDBClient,
  QueryCommand,
  type WriteRequest,
} from '@aws-sdk/client-dynamodb';
import type { SubjectIndex, SubjectLocation, SubjectRows } from '../../ports/subject-index.ts';
import {
  SUBJECT_INDEX_MANIFEST_PREFIX,
  SUBJECT_KEYS_PER_MANIFEST_ITEM,
  SUBJECT_ROW_DIGEST_BYTES,
  SUBJECT_ROWS_PER_ITEM,
} from './subject-index-table-schema.ts';
import { decodeRows, encodeRows } from './subject-rows-codec.ts';

const MAC_BYTES = 32;
const KEY_BYTES = MAC_BYTES + SUBJECT_ROW_DIGEST_BYTES;
const WRITES_PER_REQUEST = 25;
const REQUESTS_IN_FLIGHT = 4;
const WRITE_ATTEMPTS = 8;

type Item = Record<string, AttributeValue>;

export interface DynamoDbSubjectIndexOptions {
  /** Waits between retries of unprocessed writes (tests pass a no-op). */
  sleep?: (ms: number) => Promise<void>;
}

export class DynamoDbSubjectIndex implements SubjectIndex {
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
    options: DynamoDbSubjectIndexOptions = {},
  ) {
    this.#sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  async clear(datasetVersionId: string): Promise<void> {
    const pk = manifestKey(datasetVersionId);
    for await (const manifest of this.#query(pk, 'keys')) {
      const keys = manifest.keys?.B ?? new Uint8Array();
      const deletes: WriteRequest[] = [];
      for (let at = 0; at + KEY_BYTES <= keys.length; at += KEY_BYTES) {
        const mac = keys.subarray(at, at + MAC_BYTES);
        const digest = keys.subarray(at + MAC_BYTES, at + KEY_BYTES);
        deletes.push(deleteRequest(macKey(mac), subjectSortKey(datasetVersionId, digest)));
      }
      await this.#write(deletes);
      await this.#write([deleteRequest(pk, manifest.sk?.S as string)]);
    }
  }

  async add(datasetVersionId: string, batch: SubjectRows): Promise<void> {
    if (batch.macs.length !== batch.rows.length) throw new RangeError('one row number per mac');
    const byMac = new Map<string, { mac: Uint8Array; rows: Set<number> }>();
    for (const [i, mac] of batch.macs.entries()) {
      if (mac.length !== MAC_BYTES) throw new RangeError('a mac is 32 bytes');
      const row = batch.rows[i] as number;
      if (!Number.isSafeInteger(row) || row < 1) throw new RangeError('rows are counted from 1');
      const hex = Buffer.from(mac).toString('hex');
      const entry = byMac.get(hex) ?? { mac, rows: new Set<number>() };
      entry.rows.add(row);
      byMac.set(hex, entry);
    }
    const items: WriteRequest[] = [];
    const keys: Uint8Array[] = [];
    for (const { mac, rows } of byMac.values()) {
      const sorted = [...rows].sort((a, b) => a - b);
      for (let at = 0; at < sorted.length; at += SUBJECT_ROWS_PER_ITEM) {
        const packed = encodeRows(sorted.slice(at, at + SUBJECT_ROWS_PER_ITEM));
        const digest = digestOf(packed);
        keys.push(Buffer.concat([mac, digest]));
        items.push({
          PutRequest: {
            Item: {
              pk: { S: macKey(mac) },
              sk: { S: subjectSortKey(datasetVersionId, digest) },
              rows: { B: packed },
            },
          },
        });
      }
    }
    const manifests: WriteRequest[] = [];
    for (let at = 0; at < keys.length; at += SUBJECT_KEYS_PER_MANIFEST_ITEM) {
      const packed = Buffer.concat(keys.slice(at, at + SUBJECT_KEYS_PER_MANIFEST_ITEM));
      manifests.push({
        PutRequest: {
          Item: {
            pk: { S: manifestKey(datasetVersionId) },
            sk: { S: Buffer.from(digestOf(packed)).toString('base64url') },
            keys: { B: packed },
          },
        },
      });
    }
    await this.#write(manifests);
    await this.#write(items);
  }

  async locate(mac: Uint8Array): Promise<SubjectLocation[]> {
    if (mac.length !== MAC_BYTES) throw new RangeError('a mac is 32 bytes');
    const found = new Map<string, Set<number>>();
    for await (const item of this.#query(macKey(mac), 'rows')) {
      const sk = item.sk?.S as string;
      const version = sk.slice(0, sk.lastIndexOf('#'));
      const rows = found.get(version) ?? new Set<number>();
      for (const row of decodeRows(item.rows?.B ?? new Uint8Array())) rows.add(row);
      found.set(version, rows);
    }
    return [...found]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([datasetVersionId, rows]) => ({ datasetVersionId, rows: [...rows].sort((a, b) => a - b) }));
  }

  /** Every item of the partition, strongly consistent, with its sort key and the packed attribute named. */
  async *#query(pk: string, packed: 'keys' | 'rows'): AsyncGenerator<Item> {
    let ExclusiveStartKey: Item | undefined;
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: pk } },
          ProjectionExpression: 'sk, #packed',
          ExpressionAttributeNames: { '#packed': packed },
          ConsistentRead: true,
          ExclusiveStartKey,
        }),
      );
      yield* page.Items ?? [];
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
  }

  /** Every request written, 25 at a time with a few in flight; what DynamoDB leaves unprocessed is retried. */
  async #write(requests: WriteRequest[]): Promise<void> {
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const chunk = requests.slice(next, next + WRITES_PER_REQUEST);
        next += WRITES_PER_REQUEST;
        try {
          await this.#writeChunk(chunk);
        } catch (error) {
          next = requests.length; // the other workers stop taking requests
          throw error;
        }
      }
    };
    await Promise.all(Array.from({ length: REQUESTS_IN_FLIGHT }, worker));
  }

  async #writeChunk(chunk: WriteRequest[]): Promise<void> {
    let pending = chunk;
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      if (attempt > 0) await this.#sleep(Math.min(50 * 2 ** attempt, 2_000) * (0.5 + Math.random() / 2));
      const out = await this.client.send(
        new BatchWriteItemCommand({ RequestItems: { [this.tableName]: pending } }),
      );
      pending = out.UnprocessedItems?.[this.tableName] ?? [];
      if (pending.length === 0) return;
    }
    throw new Error(
      `DynamoDB left ${pending.length} subject index writes to ${this.tableName} unprocessed after ${WRITE_ATTEMPTS} attempts`,
    );
  }
}

function macKey(mac: Uint8Array): string {
  return Buffer.from(mac).toString('base64url');
}

function manifestKey(datasetVersionId: string): string {
  return `${SUBJECT_INDEX_MANIFEST_PREFIX}${datasetVersionId}`;
}

function subjectSortKey(datasetVersionId: string, digest: Uint8Array): string {
  return `${datasetVersionId}#${Buffer.from(digest).toString('base64url')}`;
}

function digestOf(bytes: Uint8Array): Uint8Array {
  return createHash('sha256').update(bytes).digest().subarray(0, SUBJECT_ROW_DIGEST_BYTES);
}

function deleteRequest(pk: string, sk: string): WriteRequest {
  return { DeleteRequest: { Key: { pk: { S: pk }, sk: { S: sk } } } };
}
