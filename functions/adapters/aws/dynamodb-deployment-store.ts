/**
 * The deployment store in DynamoDB: one item per deployment (see deployment-table-schema.ts), the record as
 * a JSON document in `body`. Every write is conditional on the version it read (`attribute_not_exists(pk)`
 * for a create), so of two concurrent steps one wins and the other gets DeploymentVersionConflictError.
 * A target's claim is another item of the table (`TARGET#<target>`, its `holder`), written conditionally on
 * the holder it expects; it has none of the index keys, so no listing ever returns it.
 */
import { ConditionalCheckFailedException, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DeleteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import type { Deployment } from '../../contracts/deployment.ts';
import { deploymentTargetName } from '../../contracts/deployment-request.ts';
import { pageSize } from '../../ports/decision-store.ts';
import {
  checkNextVersion,
  type DeploymentFilter,
  type DeploymentPage,
  type DeploymentStore,
  DeploymentVersionConflictError,
} from '../../ports/deployment-store.ts';
import {
  DEPLOYMENT_KEY_PREFIX,
  DEPLOYMENT_LIST_PARTITION,
  DEPLOYMENT_TABLE_DECISION_INDEX,
  DEPLOYMENT_TABLE_TARGET_INDEX,
  DEPLOYMENT_TABLE_TIME_INDEX,
  TARGET_CLAIM_KEY_PREFIX,
} from './deployment-table-schema.ts';

interface DeploymentItem {
  pk: string;
  version: number;
  status: string;
  listPk: string;
  listSk: string;
  decisionId?: string;
  target: string;
  body: string;
}

export class DynamoDbDeploymentStore implements DeploymentStore {
  readonly #doc: DynamoDBDocumentClient;

  constructor(
    client: DynamoDBClient,
    private readonly tableName: string,
  ) {
    this.#doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  }

  async get(id: string): Promise<Deployment | undefined> {
    const out = await this.#doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: key(id) }, ConsistentRead: true }),
    );
    return out.Item ? (JSON.parse((out.Item as DeploymentItem).body) as Deployment) : undefined;
  }

  async put(next: Deployment, expectedVersion: number): Promise<void> {
    checkNextVersion(next, expectedVersion);
    const item: DeploymentItem = {
      pk: key(next.id),
      version: next.version,
      status: next.status,
      listPk: DEPLOYMENT_LIST_PARTITION,
      listSk: `${next.requestedAt}#${next.id}`,
      ...(next.artifact ? { decisionId: next.artifact.decisionId } : {}),
      target: deploymentTargetName(next.request.target),
      body: JSON.stringify(next),
    };
    const condition =
      expectedVersion === 0
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : {
            ConditionExpression: '#version = :expected',
            ExpressionAttributeNames: { '#version': 'version' },
            ExpressionAttributeValues: { ':expected': expectedVersion },
          };
    try {
      await this.#doc.send(new PutCommand({ TableName: this.tableName, Item: item, ...condition }));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) {
        throw new DeploymentVersionConflictError(next.id, expectedVersion);
      }
      throw error;
    }
  }

  async claimTarget(target: string, deploymentId: string, takeOverFrom?: string): Promise<boolean> {
    const values: Record<string, string> = { ':id': deploymentId };
    let condition = 'attribute_not_exists(pk) OR holder = :id';
    if (takeOverFrom !== undefined) {
      values[':previous'] = takeOverFrom;
      condition += ' OR holder = :previous';
    }
    try {
      await this.#doc.send(
        new PutCommand({
          TableName: this.tableName,
          Item: { pk: claimKey(target), holder: deploymentId },
          ConditionExpression: condition,
          ExpressionAttributeValues: values,
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async targetHolder(target: string): Promise<string | undefined> {
    const out = await this.#doc.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: claimKey(target) }, ConsistentRead: true }),
    );
    const holder: unknown = out.Item?.holder;
    return typeof holder === 'string' ? holder : undefined;
  }

  async releaseTarget(target: string, deploymentId: string): Promise<void> {
    try {
      await this.#doc.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: { pk: claimKey(target) },
          ConditionExpression: 'holder = :id',
          ExpressionAttributeValues: { ':id': deploymentId },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }

  /**
   * A filtered page may hold fewer than `limit` deployments (even none) and still carry a cursor: DynamoDB
   * applies the limit before the filter. Only a missing cursor means there is nothing more. A target filter
   * queries `by-target` (then the decision, if also given, is filtered), a decision filter `by-decision`.
   */
  async list(
    options: { filter?: DeploymentFilter; limit?: number; cursor?: string } = {},
  ): Promise<DeploymentPage> {
    const limit = pageSize(options.limit);
    const { decisionId, target, statuses } = options.filter ?? {};
    if (statuses && statuses.length === 0) return { deployments: [] };
    const { index, partition } =
      target !== undefined
        ? { index: DEPLOYMENT_TABLE_TARGET_INDEX, partition: target }
        : decisionId !== undefined
          ? { index: DEPLOYMENT_TABLE_DECISION_INDEX, partition: decisionId }
          : { index: DEPLOYMENT_TABLE_TIME_INDEX, partition: DEPLOYMENT_LIST_PARTITION };
    const names: Record<string, string> = { '#pk': index.partitionKey };
    const values: Record<string, unknown> = { ':pk': partition };
    const filters: string[] = [];
    if (target !== undefined && decisionId !== undefined) {
      names['#decision'] = 'decisionId';
      values[':decision'] = decisionId;
      filters.push('#decision = :decision');
    }
    if (statuses) {
      names['#status'] = 'status';
      const placeholders = statuses.map((status, i) => {
        values[`:s${i}`] = status;
        return `:s${i}`;
      });
      filters.push(`#status IN (${placeholders.join(', ')})`);
    }
    const input: QueryCommandInput = {
      TableName: this.tableName,
      IndexName: index.indexName,
      KeyConditionExpression: '#pk = :pk',
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
      Limit: limit,
      ...(filters.length > 0 ? { FilterExpression: filters.join(' AND ') } : {}),
      ...(options.cursor ? { ExclusiveStartKey: decodeCursor(options.cursor) } : {}),
    };
    const out = await this.#doc.send(new QueryCommand(input));
    return {
      deployments: (out.Items ?? []).map((item) => JSON.parse((item as DeploymentItem).body) as Deployment),
      ...(out.LastEvaluatedKey ? { nextCursor: encodeCursor(out.LastEvaluatedKey) } : {}),
    };
  }
}

function key(id: string): string {
  return `${DEPLOYMENT_KEY_PREFIX}${id}`;
}

function claimKey(target: string): string {
  return `${TARGET_CLAIM_KEY_PREFIX}${target}`;
}

function encodeCursor(lastKey: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(lastKey), 'utf8').toString('base64url');
}

function decodeCursor(cursor: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      return parsed as Record<string, unknown>;
    }
  } catch {
    // reported below
  }
  throw new RangeError('invalid deployment cursor: pass back a nextCursor');
}
