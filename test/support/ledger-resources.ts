import { CreateTableCommand, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutBucketVersioningCommand, type S3Client } from '@aws-sdk/client-s3';
import { LEDGER_TABLE_KEYS } from '../../functions/adapters/aws/ledger/table-schema.ts';
import { uniqueName } from './aws-clients.ts';

export interface LedgerResources {
  table: string;
  tiles: string;
  anchor: string;
}

/** The AWS ledger's table, versioned tiles bucket and Object Lock anchor bucket, in the emulator. */
export async function createLedgerResources(clients: {
  dynamodb: DynamoDBClient;
  s3: S3Client;
}): Promise<LedgerResources> {
  const r = {
    table: uniqueName('verdict-ledger'),
    tiles: uniqueName('verdict-ledger-tiles'),
    anchor: uniqueName('verdict-ledger-anchor'),
  };
  await clients.dynamodb.send(
    new CreateTableCommand({
      TableName: r.table,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: LEDGER_TABLE_KEYS.partitionKey, KeyType: 'HASH' },
        { AttributeName: LEDGER_TABLE_KEYS.sortKey, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: LEDGER_TABLE_KEYS.partitionKey, AttributeType: 'S' },
        { AttributeName: LEDGER_TABLE_KEYS.sortKey, AttributeType: 'S' },
      ],
    }),
  );
  await clients.s3.send(new CreateBucketCommand({ Bucket: r.tiles }));
  await clients.s3.send(
    new PutBucketVersioningCommand({ Bucket: r.tiles, VersioningConfiguration: { Status: 'Enabled' } }),
  );
  await clients.s3.send(new CreateBucketCommand({ Bucket: r.anchor, ObjectLockEnabledForBucket: true }));
  return r;
}
