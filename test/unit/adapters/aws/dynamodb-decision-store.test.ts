import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  DecisionStoreError,
  DynamoDbDecisionStore,
  MAX_FILTERED_READS_PER_PAGE,
} from '../../../../functions/adapters/aws/dynamodb-decision-store.ts';
import type { Decision } from '../../../../functions/contracts/decision.ts';
import { InvalidCursorError } from '../../../../functions/ports/decision-store.ts';

const documentClient = mockClient(DynamoDBDocumentClient);
const store = new DynamoDbDecisionStore(new DynamoDBClient({ region: 'us-east-1' }), 'decisions');

const decision = {
  id: 'd-1',
  evaluatedAt: '2025-03-01T10:00:00.000Z',
  violations: [{ message: 'applicant jane@example.com' }],
} as unknown as Decision;

function awsError(name: string, extra: object = {}): Error {
  return Object.assign(new Error(`${name}: details`), { name, $metadata: {}, ...extra });
}

beforeEach(() => documentClient.reset());

describe('DynamoDbDecisionStore error paths', () => {
  it('surfaces throttling on record as a retryable DecisionStoreError that names the operation, not the data', async () => {
    documentClient.on(PutCommand).rejects(awsError('ProvisionedThroughputExceededException'));

    const error = await store.record(decision).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(DecisionStoreError);
    expect(error).toMatchObject({
      operation: 'PutItem (record decision)',
      code: 'ProvisionedThroughputExceededException',
      retryable: true,
    });
    expect((error as Error).message).toMatch(/PutItem .*ProvisionedThroughputExceededException.*retry later/);
    expect((error as Error).message).not.toContain('jane@example.com');
    expect((error as Error).cause).toMatchObject({ name: 'ProvisionedThroughputExceededException' });
  });

  it('marks errors the SDK flags as retryable', async () => {
    documentClient.on(GetCommand).rejects(awsError('SomethingTransient', { $retryable: {} }));

    await expect(store.get('d-1')).rejects.toMatchObject({ code: 'SomethingTransient', retryable: true });
  });

  it('surfaces a non-retryable failure of list as such', async () => {
    documentClient.on(QueryCommand).rejects(awsError('ResourceNotFoundException'));

    await expect(store.list()).rejects.toMatchObject({
      name: 'DecisionStoreError',
      operation: 'Query (list decisions)',
      code: 'ResourceNotFoundException',
      retryable: false,
    });
  });

  it('treats a failed condition as "already stored" and returns the stored decision', async () => {
    documentClient.on(PutCommand).rejects(awsError('ConditionalCheckFailedException'));
    documentClient.on(GetCommand).resolves({ Item: { decision } });

    await expect(store.record({ ...decision, gate: 'other' })).resolves.toEqual({
      stored: decision,
      created: false,
    });
  });

  it('ignores a repeated rejection and surfaces other failures', async () => {
    const rejection = {
      id: 'r-1',
      gate: 'g',
      eventId: null,
      code: 'c',
      message: 'm',
      rejectedAt: '2025-03-01T10:00:00Z',
    };
    documentClient.on(PutCommand).rejectsOnce(awsError('ConditionalCheckFailedException'));
    await expect(store.recordRejection(rejection)).resolves.toBeUndefined();

    documentClient.on(PutCommand).rejects(awsError('ThrottlingException'));
    await expect(store.recordRejection(rejection)).rejects.toMatchObject({
      code: 'ThrottlingException',
      retryable: true,
    });
  });

  it('rejects a malformed cursor without calling DynamoDB', async () => {
    await expect(store.list({ cursor: '%%%' })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(store.list({ cursor: Buffer.from('[1]').toString('base64url') })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    expect(documentClient.calls()).toHaveLength(0);
  });

  it('asks for one item more than the page, to know whether a next page exists', async () => {
    documentClient.on(QueryCommand).resolves({ Items: [] });

    await store.list({ limit: 1000 });

    expect(documentClient.commandCalls(QueryCommand)[0]?.args[0].input.Limit).toBe(1001);
  });

  it('rejects a bad limit or timestamp with a RangeError, without calling DynamoDB', async () => {
    for (const limit of [0, 1001, 2.5, Number.NaN]) {
      await expect(store.list({ limit })).rejects.toBeInstanceOf(RangeError);
    }
    await expect(store.listRejections({ limit: -1 })).rejects.toBeInstanceOf(RangeError);
    await expect(store.record({ ...decision, evaluatedAt: 'yesterday' })).rejects.toThrow(
      'evaluatedAt is not an ISO 8601 timestamp',
    );
    expect(documentClient.calls()).toHaveLength(0);
  });
});

describe('DynamoDbDecisionStore list with a filter', () => {
  const item = (id: string, time: string, group = 'credit') => ({
    pk: `DECISION#${id}`,
    sk: 'DECISION',
    listPk: 'DECISIONS',
    listSk: `${time}#${id}`,
    decision: { id, evaluatedAt: time, subject: { group } },
  });

  it('narrows the key condition to from/to and filters the other fields on the stored decision', async () => {
    documentClient.on(QueryCommand).resolves({ Items: [item('d-1', '2025-03-01T10:00:00.000Z')] });

    await store.list({
      filter: {
        model: 'credit',
        version: '3',
        decision: 'deny',
        riskClass: 'high',
        policyBundle: 'a'.repeat(64),
        from: '2025-03-01T11:00:00+01:00',
        to: '2025-04-01T00:00:00Z',
      },
      order: 'desc',
      limit: 10,
    });

    const input = documentClient.commandCalls(QueryCommand)[0]?.args[0].input;
    expect(input).toEqual({
      TableName: 'decisions',
      IndexName: 'by-time',
      KeyConditionExpression: 'listPk = :listPk AND listSk BETWEEN :from AND :to',
      FilterExpression:
        '#decision.#subject.#group = :model AND #decision.#subject.#version = :version AND #decision.#decision = :decision AND #decision.#riskClass = :riskClass AND #decision.#policy.#bundleSha256 = :policyBundle',
      ExpressionAttributeNames: {
        '#decision': 'decision',
        '#subject': 'subject',
        '#group': 'group',
        '#version': 'version',
        '#riskClass': 'riskClass',
        '#policy': 'policy',
        '#bundleSha256': 'bundleSha256',
      },
      ExpressionAttributeValues: {
        ':listPk': 'DECISIONS',
        ':from': '2025-03-01T10:00:00.000Z',
        ':to': '2025-04-01T00:00:00.000Z',
        ':model': 'credit',
        ':version': '3',
        ':decision': 'deny',
        ':riskClass': 'high',
        ':policyBundle': 'a'.repeat(64),
      },
      ScanIndexForward: false,
      ExclusiveStartKey: undefined,
    });
  });

  it('uses a one-sided key condition for from or to alone, and no filter for a time range alone', async () => {
    documentClient.on(QueryCommand).resolves({ Items: [] });
    await store.list({ filter: { from: '2025-03-01T00:00:00Z' } });
    await store.list({ filter: { to: '2025-03-01T00:00:00Z' } });
    const [fromOnly, toOnly] = documentClient.commandCalls(QueryCommand).map((c) => c.args[0].input);
    expect(fromOnly?.KeyConditionExpression).toBe('listPk = :listPk AND listSk >= :from');
    expect(fromOnly?.FilterExpression).toBeUndefined();
    expect(fromOnly?.Limit).toBe(51);
    expect(toOnly?.KeyConditionExpression).toBe('listPk = :listPk AND listSk <= :to');
  });

  it('follows query pages until the page is full, and cuts it at the last returned decision', async () => {
    documentClient
      .on(QueryCommand)
      .resolvesOnce({
        Items: [item('d-1', '2025-03-01T10:00:01.000Z')],
        LastEvaluatedKey: item('x', '2025-03-01T10:00:02.000Z'),
      })
      .resolvesOnce({
        Items: [item('d-2', '2025-03-01T10:00:03.000Z'), item('d-3', '2025-03-01T10:00:04.000Z')],
      });

    const page = await store.list({ filter: { model: 'credit' }, limit: 2 });

    expect(page.decisions.map((d) => d.id)).toEqual(['d-1', 'd-2']);
    const cursor = JSON.parse(Buffer.from(page.nextCursor ?? '', 'base64url').toString('utf8'));
    expect(cursor).toEqual({
      pk: 'DECISION#d-2',
      sk: 'DECISION',
      listPk: 'DECISIONS',
      listSk: '2025-03-01T10:00:03.000Z#d-2',
    });
  });

  it('stops after the read budget with a short page and a cursor where the reading stopped', async () => {
    const stop = item('x', '2025-03-01T10:00:09.000Z');
    documentClient.on(QueryCommand).resolves({ Items: [], LastEvaluatedKey: stop });

    const page = await store.list({ filter: { model: 'rare' }, limit: 10 });

    expect(documentClient.commandCalls(QueryCommand)).toHaveLength(MAX_FILTERED_READS_PER_PAGE);
    expect(page.decisions).toEqual([]);
    const cursor = JSON.parse(Buffer.from(page.nextCursor ?? '', 'base64url').toString('utf8'));
    expect(cursor).toEqual({ pk: 'DECISION#x', sk: 'DECISION', listPk: 'DECISIONS', listSk: stop.listSk });
  });
});
