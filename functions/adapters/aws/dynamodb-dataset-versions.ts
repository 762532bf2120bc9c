/**
 * The read model of registered dataset versions in DynamoDB (dataset-version-table-schema.ts), behind
 * LedgerDatasetVersions like SqliteDatasetVersions: a put replaces the version's item, get reads it by key
 * (strongly consistent), list pages through the `by-time` index. Every document read is parsed against
 * the contract: a malformed item fails the read rather than reaching the erasure workflow.
 */
import { type DynamoDBClient, GetItemCommand, PutItemCommand, QueryCommand } from '@aws-sdk/client-dynamodb';
import { type DatasetVersion, datasetVersionSchema } from '../../contracts/dataset-version.ts';
import type { DatasetVersionReadModel } from '../../datasets/ledger-dataset-versions.ts';
import {
  DATASET_VERSION_KEY_PREFIX,
  DATASET_VERSION_LIST_PARTITION,
  DATASET_VERSION_TABLE_TIME_INDEX,
} from './dataset-version-table-schema.ts';

export class DynamoDbDatasetVersions implements DatasetVersionReadModel {
  constructor(
    private readonly client: DynamoDBClient,
    private readonly tableName: string,
  ) {}

  async put(version: DatasetVersion): Promise<void> {
    await this.client.send(
      new PutItemCommand({
        TableName: this.tableName,
        Item: {
          pk: { S: `${DATASET_VERSION_KEY_PREFIX}${version.id}` },
          listPk: { S: DATASET_VERSION_LIST_PARTITION },
          listSk: { S: `${version.registeredAt}#${version.id}` },
          document: { S: JSON.stringify(datasetVersionSchema.parse(version)) },
        },
      }),
    );
  }

  async get(id: string): Promise<DatasetVersion | undefined> {
    const out = await this.client.send(
      new GetItemCommand({
        TableName: this.tableName,
        Key: { pk: { S: `${DATASET_VERSION_KEY_PREFIX}${id}` } },
        ConsistentRead: true,
      }),
    );
    return out.Item && parseDocument(out.Item.document?.S);
  }

  async list(): Promise<DatasetVersion[]> {
    const versions: DatasetVersion[] = [];
    let ExclusiveStartKey: QueryCommand['input']['ExclusiveStartKey'];
    do {
      const page = await this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: DATASET_VERSION_TABLE_TIME_INDEX.indexName,
          KeyConditionExpression: 'listPk = :list',
          ExpressionAttributeValues: { ':list': { S: DATASET_VERSION_LIST_PARTITION } },
          ExclusiveStartKey,
        }),
      );
      for (const item of page.Items ?? []) versions.push(parseDocument(item.document?.S));
      ExclusiveStartKey = page.LastEvaluatedKey;
    } while (ExclusiveStartKey);
    return versions;
  }
}

function parseDocument(document: string | undefined): DatasetVersion {
  return datasetVersionSchema.parse(JSON.parse(document ?? 'null'));
}
