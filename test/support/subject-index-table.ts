import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  SUBJECT_INDEX_TABLE_KEY_ATTRIBUTES,
  SUBJECT_INDEX_TABLE_KEYS,
} from '../../functions/adapters/aws/subject-index-table-schema.ts';

/** Creates the subject index table in the emulator from the exported schema. */
export async function createSubjectIndexTable(client: DynamoDBClient, tableName: string): Promise<string> {
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: SUBJECT_INDEX_TABLE_KEY_ATTRIBUTES.map((name) => ({
        AttributeName: name,
        AttributeType: 'S',
      })),
      KeySchema: [
        { AttributeName: SUBJECT_INDEX_TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: SUBJECT_INDEX_TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
    }),
  );
  return tableName;
}
