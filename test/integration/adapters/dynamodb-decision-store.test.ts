import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { beforeEach, describe, expect, inject, it } from 'vitest';
import { DynamoDbDecisionStore } from '../../../functions/adapters/aws/dynamodb-decision-store.ts';
import { InvalidCursorError } from '../../../functions/ports/decision-store.ts';
import { awsClientConfig, uniqueName } from '../../support/aws-clients.ts';
import { createDecisionTable } from '../../support/decision-table.ts';
import { decision, rejection } from '../../support/decisions.ts';

const client = new DynamoDBClient(awsClientConfig(inject('motoEndpoint')));

async function createTable(): Promise<string> {
  return createDecisionTable(client, uniqueName('verdict-decisions'));
}

let tableName: string;
let store: DynamoDbDecisionStore;

beforeEach(async () => {
  tableName = await createTable();
  store = new DynamoDbDecisionStore(client, tableName);
});

describe('DynamoDbDecisionStore against the emulator', () => {
  it('records a decision once, under its documented key, and gets it back', async () => {
    const first = decision('d-1', '2025-03-01T10:00:00.000Z');

    await expect(store.record(first)).resolves.toEqual({ stored: first, created: true });
    await expect(store.get('d-1')).resolves.toEqual(first);

    const raw = await client.send(
      new GetItemCommand({ TableName: tableName, Key: { pk: { S: 'DECISION#d-1' }, sk: { S: 'DECISION' } } }),
    );
    expect(raw.Item?.listPk).toEqual({ S: 'DECISIONS' });
    expect(raw.Item?.listSk).toEqual({ S: '2025-03-01T10:00:00.000Z#d-1' });
  });

  it('is idempotent by id: a second record returns the first decision, unchanged', async () => {
    const first = decision('d-1', '2025-03-01T10:00:00.000Z');
    const retry = decision('d-1', '2025-03-01T10:05:00.000Z', { decision: 'allow', violations: [] });
    await store.record(first);

    await expect(store.record(retry)).resolves.toEqual({ stored: first, created: false });
    await expect(store.get('d-1')).resolves.toEqual(first);
    expect((await store.list()).decisions).toEqual([first]);
  });

  it('keeps a decision without the optional riskClass', async () => {
    const { riskClass: _omitted, ...withoutRisk } = decision('d-2', '2025-03-01T10:00:00.000Z');

    await store.record(withoutRisk);

    await expect(store.get('d-2')).resolves.toEqual(withoutRisk);
  });

  it('returns undefined for an unknown id', async () => {
    await expect(store.get('no-such-decision')).resolves.toBeUndefined();
  });

  it('lists in pages, oldest first and by id within the same instant, with a cursor that round-trips', async () => {
    const decisions = [
      decision('d-e', '2025-03-01T10:00:04.000Z'),
      decision('d-b', '2025-03-01T10:00:02Z'), // the same instant as d-c, written without milliseconds
      decision('d-a', '2025-03-01T10:00:01.000Z'),
      decision('d-d', '2025-03-01T10:00:03.000Z'),
      decision('d-c', '2025-03-01T10:00:02.000Z'),
    ];
    for (const d of decisions) await store.record(d);

    const first = await store.list({ limit: 2 });
    expect(first.decisions.map((d) => d.id)).toEqual(['d-a', 'd-b']);
    expect(first.nextCursor).toEqual(expect.any(String));

    const second = await store.list({ limit: 2, cursor: first.nextCursor });
    expect(second.decisions.map((d) => d.id)).toEqual(['d-c', 'd-d']);
    await expect(store.list({ limit: 2, cursor: first.nextCursor })).resolves.toEqual(second);

    const third = await store.list({ limit: 2, cursor: second.nextCursor });
    expect(third.decisions.map((d) => d.id)).toEqual(['d-e']);
    expect(third).not.toHaveProperty('nextCursor');

    const all = await store.list({ limit: 5 });
    expect(all).toEqual({ decisions: [...first.decisions, ...second.decisions, ...third.decisions] });
  });

  it('narrows a list by the gate that decided, as the local store does', async () => {
    await store.record(decision('d-1', '2025-03-01T10:00:00.000Z'));
    await store.record(decision('d-2', '2025-03-01T10:00:01.000Z', { gate: 'deployment' }));
    await store.record(decision('d-3', '2025-03-01T10:00:02.000Z'));
    const ids = async (gate: string) =>
      (await store.list({ filter: { gate }, order: 'desc' })).decisions.map((d) => d.id);
    expect(await ids('model-approval')).toEqual(['d-3', 'd-1']);
    expect(await ids('deployment')).toEqual(['d-2']);
    expect(await ids('none')).toEqual([]);
  });

  it('lists an empty table as one empty page', async () => {
    await expect(store.list()).resolves.toEqual({ decisions: [] });
  });

  it('rejects a cursor it did not issue', async () => {
    const forged = Buffer.from(JSON.stringify({ pk: 'REJECTION#r-1', sk: 'REJECTION' })).toString(
      'base64url',
    );

    await expect(store.list({ cursor: 'not-a-cursor' })).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(store.list({ cursor: forged })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  it('records rejections idempotently, apart from decisions, and lists them newest first', async () => {
    await store.record(decision('d-1', '2025-03-01T10:00:00.000Z'));
    await store.recordRejection(rejection('r-1', '2025-03-01T09:00:00.000Z'));
    await store.recordRejection(rejection('r-2', '2025-03-01T11:00:00.000Z'));
    await store.recordRejection({ ...rejection('r-1', '2025-03-01T12:00:00.000Z'), code: 'other' });

    await expect(store.listRejections()).resolves.toEqual([
      rejection('r-2', '2025-03-01T11:00:00.000Z'),
      rejection('r-1', '2025-03-01T09:00:00.000Z'),
    ]);
    await expect(store.listRejections({ limit: 1 })).resolves.toEqual([
      rejection('r-2', '2025-03-01T11:00:00.000Z'),
    ]);
    expect((await store.list()).decisions.map((d) => d.id)).toEqual(['d-1']);
    await expect(store.get('r-1')).resolves.toBeUndefined();
  });

  it('records exceptions once and lists them per subject, oldest first', async () => {
    const store = new DynamoDbDecisionStore(client, await createTable());
    const waiver = (id: string, subject: string, grantedAt: string) => ({
      id,
      rule: 'bias.disparate_impact',
      subject,
      reason: 'Retraining with reweighted data is scheduled',
      approver: 'head-of-model-risk',
      expiresAt: '2027-01-31T00:00:00Z',
      grantedAt,
    });
    const arn = 'arn:aws:sagemaker:us-east-1:123456789012:model-package/cv-ranker/1';
    const first = waiver('e-1', 'cv-ranker', '2026-11-01T00:00:00.000Z');
    const second = waiver('e-2', arn, '2026-10-01T00:00:00.000Z');

    await expect(store.grant(first)).resolves.toEqual({ stored: first, created: true });
    await expect(store.grant({ ...first, reason: 'a different reason entirely' })).resolves.toEqual({
      stored: first,
      created: false,
    });
    await store.grant(second);
    await store.grant(waiver('e-3', 'credit-scorer', '2026-11-02T00:00:00.000Z'));

    await expect(store.listFor(['cv-ranker', arn])).resolves.toEqual([second, first]);
    await expect(store.listFor(['nobody'])).resolves.toEqual([]);
    expect((await store.list()).decisions).toEqual([]);
  });

  it('records a revocation once, as its own item beside the grant, and lists the exception revoked', async () => {
    const waiver = {
      id: 'e-1',
      rule: 'bias.disparate_impact',
      subject: 'cv-ranker',
      reason: 'Retraining with reweighted data is scheduled',
      approver: 'head-of-model-risk',
      expiresAt: '2027-01-31T00:00:00Z',
      grantedAt: '2026-11-01T00:00:00.000Z',
    };
    const later = { ...waiver, id: 'e-2', grantedAt: '2026-11-02T00:00:00.000Z' };
    const revocation = {
      revokedAt: '2026-11-03T00:00:00.000Z',
      revokedBy: 'head-of-model-risk',
      revocationReason: 'the retraining landed early',
    };
    await store.grant(waiver);
    await store.grant(later);

    await expect(store.revoke('e-1', revocation)).resolves.toEqual({
      stored: { ...waiver, ...revocation },
      created: true,
    });
    await expect(store.revoke('e-1', { ...revocation, revocationReason: 'another' })).resolves.toEqual({
      stored: { ...waiver, ...revocation },
      created: false,
    });
    await expect(store.revoke('e-nope', revocation)).resolves.toBeUndefined();
    await expect(store.getException('e-1')).resolves.toEqual({ ...waiver, ...revocation });
    await expect(store.getException('e-2')).resolves.toEqual(later);
    await expect(store.listFor(['cv-ranker'])).resolves.toEqual([{ ...waiver, ...revocation }, later]);
    const grant = await client.send(
      new GetItemCommand({
        TableName: tableName,
        Key: { pk: { S: 'EXCEPTION#e-1' }, sk: { S: 'EXCEPTION' } },
      }),
    );
    expect(grant.Item?.exception?.M?.revokedAt).toBeUndefined();
  });
});
