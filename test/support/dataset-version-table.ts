import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DATASET_VERSION_TABLE_KEY_ATTRIBUTES,
  DATASET_VERSION_TABLE_KEYS,
  DATASET_VERSION_TABLE_TIME_INDEX,
} from '../../functions/adapters/aws/dataset-version-table-schema.ts';

/** Creates the dataset versions table in the emulator from the exported schema. */
export async function createDatasetVersionTable(client: DynamoDBClient, tableName: string): Promise<string> {
  const index = DATASET_VERSION_TABLE_TIME_INDEX;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: DATASET_VERSION_TABLE_KEY_ATTRIBUTES.map((name) => ({
        AttributeName: name,
        AttributeType: 'S',
      })),
      KeySchema: [{ AttributeName: DATASET_VERSION_TABLE_KEYS.partitionKey, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: index.indexName,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' },
            { AttributeName: index.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: index.projection },
        },
      ],
    }),
  );
  return tableName;
}
