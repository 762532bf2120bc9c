/**
 * The DynamoDB dataset version read model against the emulator through the real SDK client: the read
 * model contract (shared with SQLite), the documented item, and a malformed item failing the read.
 */
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, inject, it } from 'vitest';
import { DynamoDbDatasetVersions } from '../../../functions/adapters/aws/dynamodb-dataset-versions.ts';
import { awsClientConfig, uniqueName } from '../../support/aws-clients.ts';
import {
  datasetVersion,
  datasetVersionReadModelContract,
} from '../../support/dataset-version-read-model-contract.ts';
import { createDatasetVersionTable } from '../../support/dataset-version-table.ts';

const client = new DynamoDBClient(awsClientConfig(inject('motoEndpoint')));

async function freshModel(): Promise<{ model: DynamoDbDatasetVersions; tableName: string }> {
  const tableName = await createDatasetVersionTable(client, uniqueName('verdict-dataset-versions'));
  return { model: new DynamoDbDatasetVersions(client, tableName), tableName };
}

describe('DynamoDbDatasetVersions against the emulator', () => {
  datasetVersionReadModelContract(async () => (await freshModel()).model);

  it('keeps a version under its documented key, listed by registration time', async () => {
    const { model, tableName } = await freshModel();
    const version = datasetVersion('loans@1', '2026-12-01T10:00:00.000Z');
    await model.put(version);
    const raw = await client.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'DATASET_VERSION#loans@1' } } }),
    );
    expect(raw.Item).toEqual({
      pk: { S: 'DATASET_VERSION#loans@1' },
      listPk: { S: 'DATASET_VERSIONS' },
      listSk: { S: '2026-12-01T10:00:00.000Z#loans@1' },
      document: { S: JSON.stringify(version) },
    });
  });

  it('fails a read of an item that is not a dataset version, and refuses to store one', async () => {
    const { model, tableName } = await freshModel();
    await client.send(
      new PutItemCommand({
        TableName: tableName,
        Item: {
          pk: { S: 'DATASET_VERSION#bad@1' },
          listPk: { S: 'DATASET_VERSIONS' },
          listSk: { S: '2026-12-01T10:00:00.000Z#bad@1' },
          document: { S: JSON.stringify({ id: 'bad@1' }) },
        },
      }),
    );
    await expect(model.get('bad@1')).rejects.toThrow();
    await expect(model.list()).rejects.toThrow();
    const invalid = { ...datasetVersion('worse@1', '2026-12-01T10:00:00.000Z'), uri: 'file:///tmp/x' };
    await expect(model.put(invalid)).rejects.toThrow();
    expect(await model.get('worse@1')).toBeUndefined();
  });
});
