import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DEPLOYMENT_TABLE_INDEXES,
  DEPLOYMENT_TABLE_KEY_ATTRIBUTES,
  DEPLOYMENT_TABLE_KEYS,
} from '../../functions/adapters/aws/deployment-table-schema.ts';

/** Creates the deployments table in the emulator from the exported schema. */
export async function createDeploymentTable(client: DynamoDBClient, tableName: string): Promise<string> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: DEPLOYMENT_TABLE_KEY_ATTRIBUTES.map((name) => ({
        AttributeName: name,
        AttributeType: 'S',
      })),
      KeySchema: [{ AttributeName: DEPLOYMENT_TABLE_KEYS.partitionKey, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: DEPLOYMENT_TABLE_INDEXES.map((index) => ({
        IndexName: index.indexName,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
          { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
        ],
        Projection: { ProjectionType: index.projection },
      })),
    }),
  );
  return tableName;
}
