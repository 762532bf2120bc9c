/**
 * AccessLog in the decisions table, under its own key prefix (decision-table-schema.ts): one conditional
 * PutItem per call (idempotent by id, never overwritten), listed through the `by-time` index.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { AccessRecord } from '../../contracts/access-record.ts';
import type { AccessLog, AccessRecordPage } from '../../ports/access-log.ts';
import { InvalidCursorError, pageSize, sortableTime } from '../../ports/decision-store.ts';
import {
  ACCESS_KEY_PREFIX,
  ACCESS_LIST_PARTITION,
  ACCESS_SORT_KEY,
  DECISION_TABLE_KEY_ATTRIBUTES,
  DECISION_TABLE_KEYS,
  DECISION_TABLE_LIST_INDEX,
} from './decision-table-schema.ts';

type Key = Record<(typeof DECISION_TABLE_KEY_ATTRIBUTES)[number], string>;

export class DynamoDbAccessLog implements AccessLog {
  private readonly db: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.db = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async record(entry: AccessRecord): Promise<void> {
    const at = sortableTime(entry.at, 'at');
    const key: Key = {
      pk: `${ACCESS_KEY_PREFIX}${entry.id}`,
      sk: ACCESS_SORT_KEY,
      listPk: ACCESS_LIST_PARTITION,
      listSk: `${at}#${entry.id}`,
    };
    try {
      await this.db.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { ...key, access: entry },
          ConditionExpression: `attribute_not_exists(${DECISION_TABLE_KEYS.partitionKey})`,
        }),
      );
    } catch (error) {
      if (
        error instanceof ConditionalCheckFailedException ||
        (error as Error).name === 'ConditionalCheckFailedException'
      ) {
        return;
      }
      throw error;
    }
  }

  async list(
    options: { limit?: number; cursor?: string; from?: string; to?: string } = {},
  ): Promise<AccessRecordPage> {
    const limit = pageSize(options.limit);
    const start = options.cursor === undefined ? undefined : decodeCursor(options.cursor);
    const from = options.from === undefined ? undefined : sortableTime(options.from, 'from');
    const to = options.to === undefined ? undefined : sortableTime(options.to, 'to');
    const sk = DECISION_TABLE_LIST_INDEX.sortKey;
    const range =
      from !== undefined && to !== undefined
        ? `${sk} BETWEEN :from AND :to`
        : from !== undefined
          ? `${sk} >= :from`
          : to !== undefined
            ? `${sk} <= :to`
            : undefined;
    const items: Record<string, unknown>[] = [];
    let exclusiveStartKey: Record<string, unknown> | undefined = start;
    do {
      const out = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: DECISION_TABLE_LIST_INDEX.indexName,
          KeyConditionExpression: [`${DECISION_TABLE_LIST_INDEX.partitionKey} = :listPk`, range]
            .filter(Boolean)
            .join(' AND '),
          ExpressionAttributeValues: {
            ':listPk': ACCESS_LIST_PARTITION,
            ...(from !== undefined && { ':from': from }),
            ...(to !== undefined && { ':to': to }),
          },
          Limit: limit + 1 - items.length,
          ExclusiveStartKey: exclusiveStartKey,
        }),
      );
      items.push(...(out.Items ?? []));
      exclusiveStartKey = out.LastEvaluatedKey;
    } while (exclusiveStartKey && items.length <= limit);
    const page = items.slice(0, limit);
    const records = page.map((item) => item.access as AccessRecord);
    const last = page.at(-1);
    return items.length > limit && last ? { records, nextCursor: encodeCursor(last) } : { records };
  }
}

function encodeCursor(item: Record<string, unknown>): string {
  const key = Object.fromEntries(DECISION_TABLE_KEY_ATTRIBUTES.map((name) => [name, item[name]]));
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string): Key {
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const record = (typeof key === 'object' && key !== null ? key : {}) as Record<string, unknown>;
  const valid =
    DECISION_TABLE_KEY_ATTRIBUTES.every((name) => typeof record[name] === 'string') &&
    record.listPk === ACCESS_LIST_PARTITION &&
    String(record.pk).startsWith(ACCESS_KEY_PREFIX);
  if (!valid) throw new InvalidCursorError();
  return Object.fromEntries(DECISION_TABLE_KEY_ATTRIBUTES.map((name) => [name, record[name]])) as Key;
}
