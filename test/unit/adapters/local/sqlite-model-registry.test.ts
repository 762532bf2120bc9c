import fs from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type SqliteDatabase } from '../../../../functions/adapters/local/sqlite-database.ts';
import {
  EmbeddedModelRegistry,
  ModelRegistryError,
  STATUS_HISTORY_IMMUTABLE_MESSAGE,
} from '../../../../functions/adapters/local/sqlite-model-registry.ts';
import { modelPackageStateChangeEventSchema } from '../../../../functions/contracts/model-package-state-change.ts';
import { matchesPattern } from '../../../../functions/events/event-pattern.ts';
import {
  type ModelPackageSnapshot,
  modelPackageStateChangeEvent,
} from '../../../../functions/events/model-package-event.ts';
import { routes } from '../../../../functions/routes.ts';

let db: SqliteDatabase;
let registry: EmbeddedModelRegistry;
let clock: Date;

/** A clock that moves one second each time it is read. */
function tick(): Date {
  clock = new Date(clock.getTime() + 1000);
  return clock;
}

beforeEach(() => {
  clock = new Date('2025-03-01T10:00:00.000Z');
  db = openDatabase(':memory:');
  registry = new EmbeddedModelRegistry(db, { now: tick });
});

afterEach(() => db.close());

describe('model package groups', () => {
  it('creates a group with a SageMaker ARN', async () => {
    await expect(registry.createModelPackageGroup('Credit-Scoring')).resolves.toEqual({
      name: 'Credit-Scoring',
      arn: 'arn:aws:sagemaker:local-1:000000000000:model-package-group/credit-scoring',
      creationTime: '2025-03-01T10:00:01.000Z',
    });
  });

  it('refuses a second group of the same name, whatever its case', async () => {
    await registry.createModelPackageGroup('credit');

    const again = registry.createModelPackageGroup('CREDIT');
    await expect(again).rejects.toThrow(
      'Model Package Group already exists: arn:aws:sagemaker:local-1:000000000000:model-package-group/credit',
    );
    await expect(again).rejects.toMatchObject({ name: 'ModelRegistryError', code: 'ValidationException' });
  });

  it('refuses names SageMaker refuses', async () => {
    for (const name of ['', '-credit', 'credit_scoring', 'credit/1', 'x'.repeat(64)]) {
      await expect(registry.createModelPackageGroup(name)).rejects.toBeInstanceOf(ModelRegistryError);
    }
  });
});

describe('model packages', () => {
  beforeEach(async () => {
    await registry.createModelPackageGroup('Credit');
    await registry.createModelPackageGroup('fraud');
  });

  it('numbers versions from 1 within each group and builds SageMaker ARNs', async () => {
    const c1 = await registry.createModelPackage({ groupName: 'Credit' });
    const c2 = await registry.createModelPackage({ groupName: 'Credit' });
    const f1 = await registry.createModelPackage({ groupName: 'fraud' });

    expect([c1.arn, c2.arn, f1.arn]).toEqual([
      'arn:aws:sagemaker:local-1:000000000000:model-package/credit/1',
      'arn:aws:sagemaker:local-1:000000000000:model-package/credit/2',
      'arn:aws:sagemaker:local-1:000000000000:model-package/fraud/1',
    ]);
    expect([c1.version, c2.version, f1.version]).toEqual(['1', '2', '1']);
    expect(c2.groupName).toBe('Credit');
  });

  it('returns the package as registered: pending approval by default, with metadata and bias reports', async () => {
    const pkg = await registry.createModelPackage({
      groupName: 'Credit',
      customerMetadata: { 'verdict:profile': 's3://governance/profiles/credit.yaml' },
      biasReports: { postTraining: 's3://evidence/credit/clarify/analysis.json' },
    });

    const expected: ModelPackageSnapshot = {
      arn: 'arn:aws:sagemaker:local-1:000000000000:model-package/credit/1',
      groupName: 'Credit',
      version: '1',
      approvalStatus: 'PendingManualApproval',
      customerMetadata: { 'verdict:profile': 's3://governance/profiles/credit.yaml' },
      biasReports: { postTraining: 's3://evidence/credit/clarify/analysis.json' },
      creationTime: '2025-03-01T10:00:03.000Z',
      lastModifiedTime: '2025-03-01T10:00:03.000Z',
    };
    expect(pkg).toEqual(expected);
    await expect(registry.describeModelPackage(pkg.arn)).resolves.toEqual(expected);
  });

  it('takes an initial approval status', async () => {
    const pkg = await registry.createModelPackage({ groupName: 'Credit', approvalStatus: 'Approved' });

    expect(pkg.approvalStatus).toBe('Approved');
  });

  it('uses the configured region and account', async () => {
    const otherDb = openDatabase(':memory:');
    const other = new EmbeddedModelRegistry(otherDb, { region: 'eu-west-1', account: '123456789012' });
    await other.createModelPackageGroup('credit');

    const pkg = await other.createModelPackage({ groupName: 'credit' });
    otherDb.close();

    expect(pkg.arn).toBe('arn:aws:sagemaker:eu-west-1:123456789012:model-package/credit/1');
    expect(() => new EmbeddedModelRegistry(db, { account: '42' })).toThrow('not a 12-digit account id: 42');
  });

  it('refuses a package in a group that does not exist', async () => {
    await expect(registry.createModelPackage({ groupName: 'nope' })).rejects.toMatchObject({
      code: 'ResourceNotFound',
      message: 'Model Package Group does not exist: nope',
    });
  });

  it('refuses metadata and report URIs SageMaker refuses', async () => {
    await expect(
      registry.createModelPackage({ groupName: 'Credit', customerMetadata: { 'aws:owner': 'x' } }),
    ).rejects.toThrow('invalid customer metadata key: aws:owner');
    await expect(
      registry.createModelPackage({ groupName: 'Credit', customerMetadata: { k: 'v'.repeat(257) } }),
    ).rejects.toThrow('invalid customer metadata value for k');
    await expect(
      registry.createModelPackage({ groupName: 'Credit', biasReports: { report: '/tmp/analysis.json' } }),
    ).rejects.toThrow('invalid report bias report URI: /tmp/analysis.json');
    expect(await registry.listModelPackages()).toEqual([]);
  });

  it('describes an unknown ARN as undefined', async () => {
    await expect(
      registry.describeModelPackage('arn:aws:sagemaker:local-1:000000000000:model-package/credit/9'),
    ).resolves.toBeUndefined();
  });

  it('lists packages in creation order, optionally for one group', async () => {
    await registry.createModelPackage({ groupName: 'Credit' });
    await registry.createModelPackage({ groupName: 'fraud' });
    await registry.createModelPackage({ groupName: 'Credit' });

    expect((await registry.listModelPackages()).map((p) => p.arn.split('/').slice(1).join('/'))).toEqual([
      'credit/1',
      'fraud/1',
      'credit/2',
    ]);
    expect((await registry.listModelPackages({ groupName: 'credit' })).map((p) => p.version)).toEqual([
      '1',
      '2',
    ]);
  });
});

describe('approval status', () => {
  let arn: string;

  beforeEach(async () => {
    await registry.createModelPackageGroup('credit');
    arn = (await registry.createModelPackage({ groupName: 'credit' })).arn;
  });

  it('sets the status and description and moves lastModifiedTime', async () => {
    await registry.setApprovalStatus(arn, 'Rejected', 'Verdict deny: bias.disparate_impact');

    await expect(registry.describeModelPackage(arn)).resolves.toMatchObject({
      approvalStatus: 'Rejected',
      approvalDescription: 'Verdict deny: bias.disparate_impact',
      creationTime: '2025-03-01T10:00:02.000Z',
      lastModifiedTime: '2025-03-01T10:00:03.000Z',
    });
  });

  it('keeps every status change, with its time, oldest first', async () => {
    await registry.setApprovalStatus(arn, 'Rejected', 'denied');
    await registry.setApprovalStatus(arn, 'Approved', 'approved after review');

    await expect(registry.statusHistory(arn)).resolves.toEqual([
      { status: 'PendingManualApproval', changedAt: '2025-03-01T10:00:02.000Z' },
      { status: 'Rejected', description: 'denied', changedAt: '2025-03-01T10:00:03.000Z' },
      { status: 'Approved', description: 'approved after review', changedAt: '2025-03-01T10:00:04.000Z' },
    ]);
  });

  it('keeps the history append-only in the database', async () => {
    await registry.setApprovalStatus(arn, 'Approved', 'ok');

    expect(() => db.prepare("UPDATE model_package_status_history SET status = 'Rejected'").run()).toThrow(
      STATUS_HISTORY_IMMUTABLE_MESSAGE,
    );
    expect(() => db.prepare('DELETE FROM model_package_status_history').run()).toThrow(
      STATUS_HISTORY_IMMUTABLE_MESSAGE,
    );
  });

  it('fails for an unknown package and leaves no history behind', async () => {
    const unknown = 'arn:aws:sagemaker:local-1:000000000000:model-package/credit/9';

    await expect(registry.setApprovalStatus(unknown, 'Approved', 'x')).rejects.toMatchObject({
      code: 'ResourceNotFound',
      message: `Model Package does not exist: ${unknown}`,
    });
    await expect(registry.statusHistory(unknown)).rejects.toBeInstanceOf(ModelRegistryError);
    expect(db.prepare('SELECT count(*) FROM model_package_status_history').pluck().get()).toBe(1);
  });
});

describe('state change event', () => {
  const reference = JSON.parse(
    fs.readFileSync(
      new URL('../../../fixtures/events/sagemaker-model-package-state-change.json', import.meta.url),
      'utf8',
    ),
  ) as Record<string, unknown>;

  async function registered(): Promise<ModelPackageSnapshot> {
    await registry.createModelPackageGroup('credit-scoring');
    return registry.createModelPackage({
      groupName: 'credit-scoring',
      customerMetadata: { 'verdict:profile': 's3://governance/profiles/credit.yaml' },
      biasReports: {
        preTraining: 's3://evidence/credit/clarify/pre.json',
        postTraining: 's3://evidence/credit/clarify/analysis.json',
      },
    });
  }

  it('is the event SageMaker emits for a new version', async () => {
    const pkg = await registered();

    const event = registry.toStateChangeEvent(pkg, { id: 'event-1' });

    expect(event).toEqual({
      version: '0',
      id: 'event-1',
      'detail-type': 'SageMaker Model Package State Change',
      source: 'aws.sagemaker',
      account: '000000000000',
      time: '2025-03-01T10:00:02Z',
      region: 'local-1',
      resources: ['arn:aws:sagemaker:local-1:000000000000:model-package/credit-scoring/1'],
      detail: {
        ModelPackageGroupName: 'credit-scoring',
        ModelPackageVersion: 1,
        ModelPackageArn: 'arn:aws:sagemaker:local-1:000000000000:model-package/credit-scoring/1',
        CreationTime: '2025-03-01T10:00:02Z',
        ModelPackageStatus: 'Completed',
        ModelPackageStatusDetails: { ValidationStatuses: [], ImageScanStatuses: [] },
        CertifyForMarketplace: false,
        ModelApprovalStatus: 'PendingManualApproval',
        CustomerMetadataProperties: { 'verdict:profile': 's3://governance/profiles/credit.yaml' },
        ModelMetrics: {
          Bias: {
            PreTrainingReport: {
              ContentType: 'application/json',
              S3Uri: 's3://evidence/credit/clarify/pre.json',
            },
            PostTrainingReport: {
              ContentType: 'application/json',
              S3Uri: 's3://evidence/credit/clarify/analysis.json',
            },
          },
        },
        LastModifiedTime: '2025-03-01T10:00:02Z',
      },
    });
  });

  it('has the envelope keys and detail key types of the reference SageMaker event', async () => {
    const event = modelPackageStateChangeEvent(await registered());
    const referenceDetail = reference.detail as Record<string, unknown>;
    const detail = event.detail as unknown as Record<string, unknown>;

    expect(Object.keys(event).sort()).toEqual(Object.keys(reference).sort());
    for (const key of ['ModelPackageGroupName', 'ModelPackageVersion', 'ModelPackageArn', 'CreationTime']) {
      expect(typeof detail[key], key).toBe(typeof referenceDetail[key]);
    }
    for (const key of ['ModelPackageStatus', 'ModelPackageStatusDetails', 'CertifyForMarketplace']) {
      expect(detail[key], key).toEqual(referenceDetail[key]);
    }
    expect(event.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it('parses with the gate schema and matches the gate route only while pending approval', async () => {
    const pkg = await registered();
    const route = routes.find((r) => r.id === 'model-package-pending-approval');
    if (!route) throw new Error('route missing');

    const pending = modelPackageStateChangeEvent(pkg);
    expect(modelPackageStateChangeEventSchema.safeParse(pending).success).toBe(true);
    expect(matchesPattern(route.pattern, pending)).toBe(true);

    await registry.setApprovalStatus(pkg.arn, 'Approved', 'ok');
    const approved = await registry.describeModelPackage(pkg.arn);
    if (!approved) throw new Error('package missing');
    expect(matchesPattern(route.pattern, modelPackageStateChangeEvent(approved))).toBe(false);
  });

  it('carries the approval description once set, and leaves out what the package does not have', async () => {
    await registry.createModelPackageGroup('plain');
    const pkg = await registry.createModelPackage({ groupName: 'plain' });
    await registry.setApprovalStatus(pkg.arn, 'Rejected', 'denied by Verdict');
    const rejected = await registry.describeModelPackage(pkg.arn);
    if (!rejected) throw new Error('package missing');

    const event = modelPackageStateChangeEvent(rejected);

    expect(event.detail.ModelApprovalStatus).toBe('Rejected');
    expect(event.detail.ApprovalDescription).toBe('denied by Verdict');
    expect(event.detail).not.toHaveProperty('CustomerMetadataProperties');
    expect(event.detail).not.toHaveProperty('ModelMetrics');
    expect(event.time).toBe('2025-03-01T10:00:03Z');
    expect(event.detail.LastModifiedTime).toBe('2025-03-01T10:00:03Z');
  });

  it('derives a stable UUID per state change unless given an id, and takes a time', async () => {
    const pkg = await registered();

    const once = modelPackageStateChangeEvent(pkg);
    const twice = modelPackageStateChangeEvent(pkg);
    const later = modelPackageStateChangeEvent({ ...pkg, lastModifiedTime: '2025-03-02T00:00:00.000Z' });

    expect(once.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(twice.id).toBe(once.id);
    expect(later.id).not.toBe(once.id);
    expect(modelPackageStateChangeEvent(pkg, { time: '2025-04-01T08:30:15.999Z' }).time).toBe(
      '2025-04-01T08:30:15Z',
    );
  });

  it('refuses a package whose ARN is not a versioned model package ARN', () => {
    const pkg: ModelPackageSnapshot = {
      arn: 'arn:aws:sagemaker:local-1:000000000000:model-package-group/credit',
      groupName: 'credit',
      version: '1',
      approvalStatus: 'PendingManualApproval',
      customerMetadata: {},
      biasReports: {},
      creationTime: '2025-03-01T10:00:00Z',
      lastModifiedTime: '2025-03-01T10:00:00Z',
    };

    expect(() => modelPackageStateChangeEvent(pkg)).toThrow(
      'not a versioned SageMaker model package ARN: arn:aws:sagemaker:local-1:000000000000:model-package-group/credit',
    );
  });
});
