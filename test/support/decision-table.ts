import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DECISION_TABLE_KEY_ATTRIBUTES,
  DECISION_TABLE_KEYS,
  DECISION_TABLE_LIST_INDEX,
} from '../../functions/adapters/aws/decision-table-schema.ts';

/** Creates the decisions table in the emulator from the exported schema, as the CDK stack does. */
export async function createDecisionTable(client: DynamoDBClient, tableName: string): Promise<string> {
  const index = DECISION_TABLE_LIST_INDEX;
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: DECISION_TABLE_KEY_ATTRIBUTES.map((name) => ({
        AttributeName: name,
        AttributeType: 'S',
      })),
      KeySchema: [
        { AttributeName: DECISION_TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: DECISION_TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
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
