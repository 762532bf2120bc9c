/**
 * The DynamoDB subject index against the emulator through the real SDK client: the subject index contract
 * (shared with SQLite), the documented item layout (no identifier, rows packed), a subject with more rows
 * than one item holds, a batch larger than one manifest item, and clear leaving the table empty. Unprocessed
 * BatchWriteItem answers are given at the SDK level (aws-sdk-client-mock): the emulator never throttles.
 */
import {
  BatchWriteItemCommand,
  type BatchWriteItemCommandInput,
  DynamoDBClient,
  ScanCommand,
} from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { describe, expect, inject, it } from 'vitest';
import { DynamoDbSubjectIndex } from '../../../functions/adapters/aws/dynamodb-subject-index.ts';
import { decodeRows } from '../../../functions/adapters/aws/subject-rows-codec.ts';
import { awsClientConfig, uniqueName } from '../../support/aws-clients.ts';
import { subjectIndexContract, testMac } from '../../support/subject-index-contract.ts';
import { createSubjectIndexTable } from '../../support/subject-index-table.ts';

const client = new DynamoDBClient(awsClientConfig(inject('motoEndpoint')));

async function freshIndex(): Promise<{ index: DynamoDbSubjectIndex; tableName: string }> {
  const tableName = await createSubjectIndexTable(client, uniqueName('verdict-subject-index'));
  return { index: new DynamoDbSubjectIndex(client, tableName), tableName };
}

async function scan(tableName: string) {
  const items = [];
  let ExclusiveStartKey: Record<string, never> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: tableName, ExclusiveStartKey }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey as typeof ExclusiveStartKey;
  } while (ExclusiveStartKey);
  return items;
}

describe('DynamoDbSubjectIndex against the emulator', () => {
  subjectIndexContract(async () => (await freshIndex()).index);

  it('keeps a subject under its keyed hash, rows packed, and a manifest of what each add wrote', async () => {
    const { index, tableName } = await freshIndex();
    await index.add('loans@3', { macs: [testMac(1), testMac(1), testMac(2)], rows: [4, 2, 9] });
    const items = await scan(tableName);
    const subject = items.find((item) => item.pk?.S === testMac(1).toString('base64url'));
    expect(Object.keys(subject ?? {}).sort()).toEqual(['pk', 'rows', 'sk']);
    expect(subject?.sk?.S).toMatch(/^loans@3#[A-Za-z0-9_-]{16}$/);
    expect([...(subject?.rows?.B ?? [])]).toEqual([2, 2]);
    const manifests = items.filter((item) => item.pk?.S === 'VERSION#loans@3');
    expect(manifests).toHaveLength(1);
    expect(manifests[0]?.keys?.B).toHaveLength(2 * 44);
    expect(items).toHaveLength(3);
  });

  it('cuts a subject with many rows into items under the size limit, and finds every row', async () => {
    const { index, tableName } = await freshIndex();
    const rows = Array.from({ length: 40_000 }, (_, i) => 40_000 - i);
    await index.add('big@1', { macs: rows.map(() => testMac(7)), rows });
    const items = (await scan(tableName)).filter((item) => item.pk?.S !== 'VERSION#big@1');
    expect(items).toHaveLength(3);
    for (const item of items) expect(item.rows?.B?.length).toBeLessThanOrEqual(16_384 * 5);
    expect(items.flatMap((item) => decodeRows(item.rows?.B as Uint8Array))).toHaveLength(40_000);
    const [found] = await index.locate(testMac(7));
    expect(found?.rows).toEqual(rows.toReversed());
  });

  it('indexes a batch of more subjects than one manifest item names, and clear leaves nothing', async () => {
    const { index, tableName } = await freshIndex();
    const count = 6_500;
    const macs = Array.from({ length: count }, (_, i) => {
      const mac = Buffer.alloc(32);
      mac.writeUInt32BE(i);
      return mac;
    });
    const started = performance.now();
    await index.add('wide@1', { macs, rows: macs.map((_, i) => i + 1) });
    const seconds = (performance.now() - started) / 1000;
    console.info(`subject index add on the emulator: ${count} items in ${seconds.toFixed(1)} s`);
    const items = await scan(tableName);
    expect(items.filter((item) => item.pk?.S === 'VERSION#wide@1')).toHaveLength(2);
    expect(items).toHaveLength(count + 2);
    expect(await index.locate(macs[6_499] as Buffer)).toEqual([
      { datasetVersionId: 'wide@1', rows: [6_500] },
    ]);
    await index.clear('wide@1');
    expect(await scan(tableName)).toEqual([]);
  }, 120_000);
});

describe('DynamoDbSubjectIndex when DynamoDB leaves writes unprocessed (SDK-level answers)', () => {
  it('retries what was left until it is written, and gives up with an error after its attempts', async () => {
    const mocked = mockClient(DynamoDBClient);
    try {
      const index = new DynamoDbSubjectIndex(new DynamoDBClient({}), 'subjects', { sleep: async () => {} });
      mocked
        .on(BatchWriteItemCommand)
        .resolvesOnce({})
        .callsFakeOnce((input: BatchWriteItemCommandInput) => ({
          UnprocessedItems: { subjects: input.RequestItems?.subjects?.slice(1) },
        }))
        .resolves({});
      await index.add('v@1', { macs: [testMac(1), testMac(2)], rows: [1, 2] });
      const calls = mocked
        .commandCalls(BatchWriteItemCommand)
        .map((c) => c.args[0].input.RequestItems?.subjects);
      expect(calls.map((requests) => requests?.length)).toEqual([1, 2, 1]);
      expect(calls[2]).toEqual(calls[1]?.slice(1));

      mocked.reset();
      mocked.on(BatchWriteItemCommand).callsFake((input: BatchWriteItemCommandInput) => ({
        UnprocessedItems: input.RequestItems,
      }));
      await expect(index.add('v@2', { macs: [testMac(3)], rows: [1] })).rejects.toThrow(
        'DynamoDB left 1 subject index writes to subjects unprocessed after 8 attempts',
      );
      expect(mocked.commandCalls(BatchWriteItemCommand)).toHaveLength(8);
    } finally {
      mocked.restore();
    }
  });

  it('refuses a hash that is not 32 bytes or a row below 1 before writing anything', async () => {
    const mocked = mockClient(DynamoDBClient);
    try {
      const index = new DynamoDbSubjectIndex(new DynamoDBClient({}), 'subjects');
      await expect(index.add('v@1', { macs: [testMac(1), Buffer.alloc(31)], rows: [1, 2] })).rejects.toThrow(
        'a mac is 32 bytes',
      );
      await expect(index.add('v@1', { macs: [testMac(1), testMac(2)], rows: [1, 0] })).rejects.toThrow(
        'rows are counted from 1',
      );
      await expect(index.locate(Buffer.alloc(16))).rejects.toThrow('a mac is 32 bytes');
      expect(mocked.calls()).toHaveLength(0);
    } finally {
      mocked.restore();
    }
  });
});
