/**
 * DecisionStore over one DynamoDB table; the key design is in decision-table-schema.ts.
 *
 * - record / recordRejection: one conditional PutItem (`attribute_not_exists(pk)`): idempotent by id,
 *   and never overwrites. No code path updates or deletes an item, so the table's IAM policy needs
 *   only PutItem, GetItem and Query.
 * - list: the `by-time` index, oldest (or newest) first, time then id; the cursor is the base64url JSON of
 *   the index key of the last decision returned. The index is eventually consistent: a decision recorded
 *   a moment ago may be missing from a list, never from get().
 * - list with a filter: `from`/`to` narrow the key condition (`listSk BETWEEN from AND to`, so only that
 *   time range is read); every other field is a FilterExpression on the stored decision, which DynamoDB
 *   applies after reading. Cost: read capacity is charged for every item in the time range that is read,
 *   matching or not (0.5 RCU per 4 KB, eventually consistent); a selective filter over a long range
 *   reads far more than it returns. One page reads at most MAX_FILTERED_READS_PER_PAGE query pages (1 MB
 *   each, about 128 RCU), then returns what it found with a cursor where it stopped. Narrow the range
 *   with from/to; a per-model index is the fix if model queries over all time become frequent.
 * - listRejections: newest first (it has no cursor, so the latest are the useful ones).
 * - Like the SQLite store: page size 50 by default, 1 to 1,000; a bad limit, cursor or timestamp is a
 *   RangeError thrown before any call; the stored JSON keeps the caller's timestamp text, the index key
 *   holds it normalised. Unlike it, ties in time are ordered by id (DynamoDB has no insertion sequence).
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Decision, Rejection } from '../../contracts/decision.ts';
import type { Exception, Revocation } from '../../contracts/exception.ts';
import {
  type DecisionFilter,
  type DecisionListOptions,
  type DecisionPage,
  type DecisionStore,
  InvalidCursorError,
  pageSize,
  sortableTime,
} from '../../ports/decision-store.ts';
import type { ExceptionStore } from '../../ports/exception-store.ts';
import {
  DECISION_KEY_PREFIX,
  DECISION_LIST_PARTITION,
  DECISION_SORT_KEY,
  DECISION_TABLE_KEY_ATTRIBUTES,
  DECISION_TABLE_KEYS,
  DECISION_TABLE_LIST_INDEX,
  EXCEPTION_KEY_PREFIX,
  EXCEPTION_LIST_PARTITION_PREFIX,
  EXCEPTION_SORT_KEY,
  REJECTION_KEY_PREFIX,
  REJECTION_LIST_PARTITION,
  REJECTION_SORT_KEY,
  REVOCATION_SORT_KEY,
} from './decision-table-schema.ts';

/** A DynamoDB call failed (after the SDK's own retries). The message names the operation, never the data. */
export class DecisionStoreError extends Error {
  override readonly name = 'DecisionStoreError';
  constructor(
    readonly operation: string,
    readonly code: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(
      `DynamoDB ${operation} failed: ${code}${retryable ? ' (throttled or transient; retry later)' : ''}`,
      options,
    );
  }
}

/** The table and index key of one item; typed from the schema so a renamed attribute fails to compile. */
type Key = Record<(typeof DECISION_TABLE_KEY_ATTRIBUTES)[number], string>;

type ListKind = 'decisions' | 'rejections' | 'exceptions';

/** How many Query calls (each reads at most 1 MB) one filtered page may make before it returns. */
export const MAX_FILTERED_READS_PER_PAGE = 8;

/** Where each filter field sits in the stored item (`decision` map attribute). */
const FILTER_PATHS = {
  model: ['decision', 'subject', 'group'],
  version: ['decision', 'subject', 'version'],
  gate: ['decision', 'gate'],
  decision: ['decision', 'decision'],
  riskClass: ['decision', 'riskClass'],
  policyBundle: ['decision', 'policy', 'bundleSha256'],
} as const satisfies Partial<Record<keyof DecisionFilter, readonly string[]>>;

/** A model with more standing exceptions than this needs a policy change, not more waivers. */
const MAX_EXCEPTIONS_PER_SUBJECT = 1000;

const RETRYABLE = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'InternalServerError',
  'ServiceUnavailable',
]);

/** Decisions, rejections and exceptions: the gate's append-only records, in one table. */
export class DynamoDbDecisionStore implements DecisionStore, ExceptionStore {
  private readonly db: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async record(decision: Decision): Promise<{ stored: Decision; created: boolean }> {
    const key = decisionKey(decision.id, sortableTime(decision.evaluatedAt, 'evaluatedAt'));
    const created = await this.putIfAbsent('PutItem (record decision)', { ...key, decision });
    if (created) return { stored: decision, created: true };
    const stored = await this.get(decision.id);
    if (!stored) throw new DecisionStoreError('PutItem (record decision)', 'ExistingItemNotReadable', false);
    return { stored, created: false };
  }

  async get(id: string): Promise<Decision | undefined> {
    const key = { pk: `${DECISION_KEY_PREFIX}${id}`, sk: DECISION_SORT_KEY };
    const out = await this.call('GetItem (get decision)', () =>
      this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true })),
    );
    return out.Item?.decision as Decision | undefined;
  }

  async list(options: DecisionListOptions = {}): Promise<DecisionPage> {
    const limit = pageSize(options.limit);
    const start = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const query = decisionQuery(options.filter ?? {});
    const forward = options.order !== 'desc';
    if (!query.filterExpression) {
      // Ask for one more than the page so that the last page carries no cursor.
      const items = await this.query('decisions', DECISION_LIST_PARTITION, forward, limit + 1, start, query);
      return toPage(items, limit);
    }
    const { items, stoppedAt } = await this.queryFiltered(forward, limit + 1, start, query);
    if (items.length > limit || !stoppedAt) return toPage(items, limit);
    // The read budget ran out first: a short (maybe empty) page that resumes where the reading stopped.
    const decisions = items.map((item) => item.decision as Decision);
    return { decisions, nextCursor: encodeCursor(stoppedAt) };
  }

  async recordRejection(rejection: Rejection): Promise<void> {
    const key = rejectionKey(rejection.id, sortableTime(rejection.rejectedAt, 'rejectedAt'));
    await this.putIfAbsent('PutItem (record rejection)', { ...key, rejection });
  }

  async listRejections(options: { limit?: number } = {}): Promise<Rejection[]> {
    const items = await this.query('rejections', REJECTION_LIST_PARTITION, false, pageSize(options.limit));
    return items.map((item) => item.rejection as Rejection);
  }

  async grant(exception: Exception): Promise<{ stored: Exception; created: boolean }> {
    const { revokedAt: _at, revokedBy: _by, revocationReason: _why, ...granted } = exception;
    const key: Key = {
      pk: `${EXCEPTION_KEY_PREFIX}${granted.id}`,
      sk: EXCEPTION_SORT_KEY,
      listPk: `${EXCEPTION_LIST_PARTITION_PREFIX}${granted.subject}`,
      listSk: exceptionListSk(granted),
    };
    const created = await this.putIfAbsent('PutItem (grant exception)', { ...key, exception: granted });
    if (created) return { stored: granted, created: true };
    const stored = await this.getException(granted.id);
    if (!stored) throw new DecisionStoreError('PutItem (grant exception)', 'ExistingItemNotReadable', false);
    return { stored, created: false };
  }

  async getException(id: string): Promise<Exception | undefined> {
    const out = await this.call('Query (get exception)', () =>
      this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: '#pk = :pk',
          ExpressionAttributeNames: { '#pk': DECISION_TABLE_KEYS.partitionKey },
          ExpressionAttributeValues: { ':pk': `${EXCEPTION_KEY_PREFIX}${id}` },
          ConsistentRead: true,
        }),
      ),
    );
    return withRevocations(out.Items ?? [])[0];
  }

  async revoke(
    id: string,
    revocation: Revocation,
  ): Promise<{ stored: Exception; created: boolean } | undefined> {
    const exception = await this.getException(id);
    if (!exception) return undefined;
    const { revokedAt, revokedBy, revocationReason } = revocation;
    const created = await this.putIfAbsent('PutItem (revoke exception)', {
      pk: `${EXCEPTION_KEY_PREFIX}${id}`,
      sk: REVOCATION_SORT_KEY,
      listPk: `${EXCEPTION_LIST_PARTITION_PREFIX}${exception.subject}`,
      listSk: `${exceptionListSk(exception)}#revoked`,
      revocation: { id, revokedAt, revokedBy, revocationReason },
    });
    return { stored: (await this.getException(id)) as Exception, created };
  }

  async listFor(subjects: readonly string[]): Promise<Exception[]> {
    const pages = await Promise.all(
      subjects.map((subject) =>
        this.query(
          'exceptions',
          `${EXCEPTION_LIST_PARTITION_PREFIX}${subject}`,
          true,
          MAX_EXCEPTIONS_PER_SUBJECT,
        ),
      ),
    );
    return withRevocations(pages.flat().sort((a, b) => String(a.listSk).localeCompare(String(b.listSk))));
  }

  /** True when written, false when an item with the same key already exists. */
  private async putIfAbsent(operation: string, item: Key & Record<string, unknown>): Promise<boolean> {
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: item,
          ConditionExpression: `attribute_not_exists(${DECISION_TABLE_KEYS.partitionKey})`,
        }),
      );
      return true;
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        errorName(error) === 'ConditionalCheckFailedException'
      ) {
        return false;
      }
      throw toStoreError(operation, error);
    }
  }

  /** Up to `limit` items of one list partition of the `by-time` index, following pages past the 1 MB cap. */
  private async query(
    kind: ListKind,
    partition: string,
    forward: boolean,
    limit: number,
    start?: Key,
    range: ListQuery = {},
  ): Promise<Record<string, unknown>[]> {
    const items: Record<string, unknown>[] = [];
    let exclusiveStartKey: Record<string, unknown> | undefined = start ? { ...start } : undefined;
    do {
      const out = await this.call(`Query (list ${kind})`, () =>
        this.db.send(
          new QueryCommand({
            ...listQueryInput(this.tableName, partition, range),
            ScanIndexForward: forward,
            Limit: limit - items.length,
            ExclusiveStartKey: exclusiveStartKey,
          }),
        ),
      );
      items.push(...(out.Items ?? []));
      exclusiveStartKey = out.LastEvaluatedKey;
    } while (exclusiveStartKey && items.length < limit);
    return items;
  }

  /**
   * Up to `limit` matching decisions, reading at most MAX_FILTERED_READS_PER_PAGE query pages. `stoppedAt`
   * is the key of the last item read when the budget ran out with more to read.
   */
  private async queryFiltered(
    forward: boolean,
    limit: number,
    start: Key | undefined,
    query: ListQuery,
  ): Promise<{ items: Record<string, unknown>[]; stoppedAt?: Key }> {
    const items: Record<string, unknown>[] = [];
    let exclusiveStartKey: Record<string, unknown> | undefined = start ? { ...start } : undefined;
    for (let reads = 0; reads < MAX_FILTERED_READS_PER_PAGE; reads++) {
      const out = await this.call('Query (list decisions, filtered)', () =>
        this.db.send(
          new QueryCommand({
            ...listQueryInput(this.tableName, DECISION_LIST_PARTITION, query),
            ScanIndexForward: forward,
            ExclusiveStartKey: exclusiveStartKey,
          }),
        ),
      );
      for (const item of out.Items ?? []) {
        items.push(item);
        // The cursor of a full page is its last item, so the items read past it are read again next page.
        if (items.length === limit) return { items };
      }
      exclusiveStartKey = out.LastEvaluatedKey;
      if (!exclusiveStartKey) return { items };
    }
    return { items, stoppedAt: exclusiveStartKey as Key };
  }

  private async call<T>(operation: string, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      throw toStoreError(operation, error);
    }
  }
}

function exceptionListSk(exception: Exception): string {
  return `${sortableTime(exception.grantedAt, 'grantedAt')}#${exception.id}`;
}

/** Exception items with their revocation items folded in, in the order of the grants. */
function withRevocations(items: readonly Record<string, unknown>[]): Exception[] {
  const revocations = new Map<string, Revocation>();
  for (const item of items) {
    if (item.sk !== REVOCATION_SORT_KEY) continue;
    const { id, ...revocation } = item.revocation as Revocation & { id: string };
    revocations.set(id, revocation);
  }
  return items
    .filter((item) => item.sk === EXCEPTION_SORT_KEY)
    .map((item) => {
      const exception = item.exception as Exception;
      const revocation = revocations.get(exception.id);
      return revocation ? { ...exception, ...revocation } : exception;
    });
}

/** Key range and filter of one list query, as expression fragments with their names and values. */
interface ListQuery {
  keyCondition?: string;
  filterExpression?: string;
  names?: Record<string, string>;
  values?: Record<string, string>;
}

function decisionQuery(filter: DecisionFilter): ListQuery {
  const names: Record<string, string> = {};
  const values: Record<string, string> = {};
  const from = filter.from === undefined ? undefined : sortableTime(filter.from, 'from');
  const to = filter.to === undefined ? undefined : sortableTime(filter.to, 'to');
  // listSk is `<time>#<id>`: `listSk >= from` holds for every decision at `from` or later, and
  // `listSk <= to` for every decision before `to` (one at `to` sorts after it because of `#<id>`).
  let keyCondition: string | undefined;
  if (from !== undefined) values[':from'] = from;
  if (to !== undefined) values[':to'] = to;
  const sk = DECISION_TABLE_LIST_INDEX.sortKey;
  if (from !== undefined && to !== undefined) keyCondition = `${sk} BETWEEN :from AND :to`;
  else if (from !== undefined) keyCondition = `${sk} >= :from`;
  else if (to !== undefined) keyCondition = `${sk} <= :to`;

  const conditions: string[] = [];
  for (const [field, path] of Object.entries(FILTER_PATHS) as [
    keyof typeof FILTER_PATHS,
    readonly string[],
  ][]) {
    const value = filter[field];
    if (value === undefined) continue;
    for (const part of path) names[`#${part}`] = part;
    values[`:${field}`] = value;
    conditions.push(`${path.map((part) => `#${part}`).join('.')} = :${field}`);
  }
  return {
    ...(keyCondition && { keyCondition }),
    ...(conditions.length > 0 && { filterExpression: conditions.join(' AND ') }),
    names,
    values,
  };
}

function listQueryInput(tableName: string, partition: string, query: ListQuery) {
  const names = query.names ?? {};
  return {
    TableName: tableName,
    IndexName: DECISION_TABLE_LIST_INDEX.indexName,
    KeyConditionExpression: [`${DECISION_TABLE_LIST_INDEX.partitionKey} = :listPk`, query.keyCondition]
      .filter(Boolean)
      .join(' AND '),
    ...(query.filterExpression && { FilterExpression: query.filterExpression }),
    ...(Object.keys(names).length > 0 && { ExpressionAttributeNames: names }),
    ExpressionAttributeValues: { ':listPk': partition, ...query.values },
  };
}

function toPage(items: Record<string, unknown>[], limit: number): DecisionPage {
  const page = items.slice(0, limit);
  const last = page.at(-1);
  const decisions = page.map((item) => item.decision as Decision);
  return items.length > limit && last ? { decisions, nextCursor: encodeCursor(last) } : { decisions };
}

function decisionKey(id: string, time: string): Key {
  return {
    pk: `${DECISION_KEY_PREFIX}${id}`,
    sk: DECISION_SORT_KEY,
    listPk: DECISION_LIST_PARTITION,
    listSk: `${time}#${id}`,
  };
}

function rejectionKey(id: string, time: string): Key {
  return {
    pk: `${REJECTION_KEY_PREFIX}${id}`,
    sk: REJECTION_SORT_KEY,
    listPk: REJECTION_LIST_PARTITION,
    listSk: `${time}#${id}`,
  };
}

function encodeCursor(item: Record<string, unknown>): string {
  const key = Object.fromEntries(DECISION_TABLE_KEY_ATTRIBUTES.map((name) => [name, item[name]]));
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string): Key {
  const key = parseJson(Buffer.from(cursor, 'base64url').toString('utf8'));
  const isDecisionKey =
    isKey(key) &&
    key.listPk === DECISION_LIST_PARTITION &&
    key.sk === DECISION_SORT_KEY &&
    key.pk.startsWith(DECISION_KEY_PREFIX);
  if (!isDecisionKey) throw new InvalidCursorError();
  return key;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isKey(value: unknown): value is Key {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  return DECISION_TABLE_KEY_ATTRIBUTES.every((name) => typeof record[name] === 'string');
}

function errorName(error: unknown): string | undefined {
  return error instanceof Error ? error.name : undefined;
}

function toStoreError(operation: string, error: unknown): DecisionStoreError {
  const code = errorName(error) ?? 'UnknownError';
  const sdkRetryable = typeof error === 'object' && error !== null && '$retryable' in error;
  return new DecisionStoreError(operation, code, RETRYABLE.has(code) || sdkRetryable, { cause: error });
}
