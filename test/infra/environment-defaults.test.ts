/**
 * What `verdict:environment` alone decides in the template: a dev deployment (cdk.json as shipped) locks its
 * records in GOVERNANCE mode for a day and deletes its data with the stack; production locks them in
 * COMPLIANCE mode for years and keeps everything. Writers are held to the same mode by IAM.
 */
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type BuiltStack,
  buildStack,
  identityStatements,
  type Json,
  logicalIdOf,
  resourcesOfType,
  standInPolicyBundle,
} from './synth.ts';

let dev: BuiltStack;
let prod: BuiltStack;

beforeAll(() => {
  const policy = standInPolicyBundle();
  dev = buildStack({}, policy.path);
  prod = buildStack({ 'verdict:environment': 'prod' }, policy.path);
}, 120_000);

function lockOf(b: BuiltStack, bucket: 'reports' | 'anchor'): unknown {
  const construct = bucket === 'reports' ? b.stack.storage.reportsBucket : b.stack.ledger.anchorBucket;
  const props = b.resources[logicalIdOf(b.stack, construct)]?.Properties as Json;
  return (props.ObjectLockConfiguration as { Rule: { DefaultRetention: unknown } }).Rule.DefaultRetention;
}

function lockModeConditions(b: BuiltStack): unknown[] {
  return identityStatements(b.template)
    .filter((s) => s.Effect === 'Allow' && JSON.stringify(s.Action).includes('s3:PutObjectRetention'))
    .map((s) => s.Condition);
}

const STATEFUL_TYPES = ['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::KMS::Key'];

describe('dev (cdk.json as shipped)', () => {
  it('locks reports and checkpoints in GOVERNANCE mode for one day', () => {
    expect(lockOf(dev, 'reports')).toEqual({ Mode: 'GOVERNANCE', Days: 1 });
    expect(lockOf(dev, 'anchor')).toEqual({ Mode: 'GOVERNANCE', Days: 1 });
  });

  it('lets writers lock in GOVERNANCE mode only, and tells them so', () => {
    const conditions = lockModeConditions(dev);
    // The ledger's appenders (gate, deployment orchestrator) anchor checkpoints; the report worker archives.
    expect(conditions.length).toBe(3);
    for (const condition of conditions)
      expect(condition).toEqual({ StringEquals: { 's3:object-lock-mode': 'GOVERNANCE' } });
    const worker = dev.resources[
      logicalIdOf(dev.stack, dev.stack.functions['report-worker'].function)
    ] as Json;
    expect((worker.Properties as { Environment: { Variables: Json } }).Environment.Variables).toMatchObject({
      VERDICT_OBJECT_LOCK_MODE: 'GOVERNANCE',
      VERDICT_REPORT_RETENTION_DAYS: '1',
      VERDICT_LEDGER_CHECKPOINT_RETENTION_DAYS: '1',
    });
  });

  it('deletes tables, buckets and keys with the stack, without deletion protection', () => {
    for (const type of STATEFUL_TYPES)
      for (const [id, resource] of Object.entries(resourcesOfType(dev.template, type)))
        expect(resource.DeletionPolicy, `${type} ${id}`).toBe('Delete');
    for (const table of Object.values(resourcesOfType(dev.template, 'AWS::DynamoDB::Table')))
      expect((table.Properties as Json).DeletionProtectionEnabled).toBe(false);
  });

  it('has no unsuppressed cdk-nag AwsSolutions errors or warnings', () => {
    const annotations = Annotations.fromStack(dev.stack);
    const format = (found: ReturnType<Annotations['findError']>) =>
      found.map((f) => `${f.id}: ${String(f.entry.data)}`);
    expect(format(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*')))).toEqual([]);
    expect(format(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')))).toEqual([]);
  });
});

describe('prod', () => {
  it('locks reports for 365 days and checkpoints for 3650 days in COMPLIANCE mode', () => {
    expect(lockOf(prod, 'reports')).toEqual({ Mode: 'COMPLIANCE', Days: 365 });
    expect(lockOf(prod, 'anchor')).toEqual({ Mode: 'COMPLIANCE', Days: 3650 });
    for (const condition of lockModeConditions(prod))
      expect(condition).toEqual({ StringEquals: { 's3:object-lock-mode': 'COMPLIANCE' } });
  });

  it('retains tables, buckets and keys, with deletion protection on the tables', () => {
    for (const type of STATEFUL_TYPES)
      for (const [id, resource] of Object.entries(resourcesOfType(prod.template, type))) {
        expect(resource.DeletionPolicy, `${type} ${id}`).toBe('Retain');
        expect(resource.UpdateReplacePolicy, `${type} ${id}`).toBe('Retain');
      }
    for (const table of Object.values(resourcesOfType(prod.template, 'AWS::DynamoDB::Table')))
      expect((table.Properties as Json).DeletionProtectionEnabled).toBe(true);
  });
});
