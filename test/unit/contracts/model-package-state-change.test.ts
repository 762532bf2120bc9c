import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  modelPackageStateChangeEventSchema,
  modelPackageStateChangeSchema,
} from '../../../functions/contracts/model-package-state-change.ts';
import { modelPackageStateChangeEvent } from '../../../functions/events/model-package-event.ts';

const fixture = JSON.parse(
  readFileSync(
    new URL('../../fixtures/events/sagemaker-model-package-state-change.json', import.meta.url),
    'utf8',
  ),
) as Record<string, unknown> & { detail: Record<string, unknown> };

const snapshot = {
  arn: 'arn:aws:sagemaker:eu-west-1:123456789012:model-package/credit/3',
  groupName: 'credit',
  version: '3',
  approvalStatus: 'PendingManualApproval' as const,
  customerMetadata: { 'verdict:profile': 's3://governance/credit/profile.json' },
  biasReports: { postTraining: 's3://governance/credit/analysis.json' },
  creationTime: '2026-11-28T12:00:00.000Z',
  lastModifiedTime: '2026-11-28T12:00:01.000Z',
};

describe('the SageMaker Model Package State Change contract', () => {
  it('describes the event SageMaker sends, whole, and keeps the fields it does not name', () => {
    const parsed = modelPackageStateChangeSchema.parse(fixture);
    expect(parsed).toEqual(fixture);
  });

  it("gives the gate the fixture's identity fields and passes the rest of the detail through", () => {
    const parsed = modelPackageStateChangeEventSchema.parse(fixture);
    expect(parsed.detail).toEqual(fixture.detail);
  });

  it('describes the event the embedded registry builds, in both views', () => {
    const built = modelPackageStateChangeEvent(snapshot);
    expect(modelPackageStateChangeSchema.parse(built)).toEqual(built);
    expect(modelPackageStateChangeEventSchema.parse(built)).toEqual(built);
  });

  it('refuses an event without the identity of its package, with where and why', () => {
    const { ModelPackageArn: _, ...detail } = fixture.detail;
    const result = modelPackageStateChangeEventSchema.safeParse({ ...fixture, detail });
    expect(result.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`)).toEqual([
      'detail.ModelPackageArn: Invalid input: expected string, received undefined',
    ]);
  });

  it('checks the rest of the detail only in the whole view', () => {
    const detail = { ...fixture.detail, CustomerMetadataProperties: { 'verdict:profile': 1 } };
    expect(modelPackageStateChangeEventSchema.safeParse({ ...fixture, detail }).success).toBe(true);
    expect(modelPackageStateChangeSchema.safeParse({ ...fixture, detail }).success).toBe(false);
  });
});
