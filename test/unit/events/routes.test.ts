import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matchesPattern, validatePattern } from '../../../functions/events/event-pattern.ts';
import {
  functions,
  REPORT_REQUESTED_EVENT,
  routes,
  UNGOVERNED_GROUP_PREFIX,
} from '../../../functions/routes.ts';

type Event = { detail: Record<string, unknown> } & Record<string, unknown>;

/** A real SageMaker event (AWS documentation sample): PendingManualApproval, version 2. */
const sample = (): Event =>
  JSON.parse(
    readFileSync(
      new URL('../../fixtures/events/sagemaker-model-package-state-change.json', import.meta.url),
      'utf8',
    ),
  ) as Event;

const withDetail = (changes: Record<string, unknown>): Event => {
  const event = sample();
  return { ...event, detail: { ...event.detail, ...changes } };
};

const route = routes.find(({ id }) => id === 'model-package-pending-approval');

describe('route table', () => {
  it.each(routes.map((r) => [r.id, r] as const))('%s has a valid pattern and a known target', (_id, r) => {
    expect(() => validatePattern(r.pattern)).not.toThrow();
    expect(functions[r.target]).toBeDefined();
  });

  it('has unique route ids', () => {
    expect(new Set(routes.map(({ id }) => id)).size).toBe(routes.length);
  });
});

describe('model-package-pending-approval route', () => {
  const matches = (event: unknown) => {
    if (!route) throw new Error('route model-package-pending-approval is missing');
    return matchesPattern(route.pattern, event);
  };

  it('targets the model-registry gate on the default bus', () => {
    expect(route).toMatchObject({ bus: 'default', target: 'model-registry-gate' });
  });

  it('matches the SageMaker sample event', () => {
    expect(matches(sample())).toBe(true);
  });

  it.each<[string, Event]>([
    ['an Approved version', withDetail({ ModelApprovalStatus: 'Approved' })],
    ['a Rejected version', withDetail({ ModelApprovalStatus: 'Rejected' })],
    ['a package that is not Completed', withDetail({ ModelPackageStatus: 'InProgress' })],
    [
      `a group named ${UNGOVERNED_GROUP_PREFIX}*`,
      withDetail({ ModelPackageGroupName: `${UNGOVERNED_GROUP_PREFIX}scratch` }),
    ],
    ['version 0', withDetail({ ModelPackageVersion: 0 })],
    ['a version given as a string', withDetail({ ModelPackageVersion: '2' })],
    ['no ModelPackageArn', withDetail({ ModelPackageArn: undefined })],
    ['no ModelPackageGroupName', withDetail({ ModelPackageGroupName: undefined })],
    ['another detail-type', { ...sample(), 'detail-type': 'SageMaker Endpoint State Change' }],
    ['another source', { ...sample(), source: 'verdict.test' }],
  ])('does not match %s', (_name, event) => {
    expect(matches(JSON.parse(JSON.stringify(event)))).toBe(false);
  });

  it('matches in every partition: the pattern names no ARN partition (aws.* sources cannot be spoofed)', () => {
    expect(JSON.stringify(route?.pattern)).not.toContain('arn:aws');
    for (const partition of ['aws-cn', 'aws-us-gov'])
      expect(
        matches({
          ...sample(),
          resources: [`arn:${partition}:sagemaker:cn-north-1:123456789012:model-package/g/1`],
        }),
      ).toBe(true);
  });

  it('still governs groups that only contain the sandbox prefix later in the name', () => {
    expect(matches(withDetail({ ModelPackageGroupName: `credit-${UNGOVERNED_GROUP_PREFIX}v2` }))).toBe(true);
  });
});

describe('report-requested route', () => {
  const reportRoute = routes.find(({ id }) => id === 'report-requested');
  /** What AwsReportService publishes, as EventBridge delivers it. */
  const requested = (changes: Record<string, unknown> = {}) => ({
    version: '0',
    id: 'e1',
    source: REPORT_REQUESTED_EVENT.source,
    'detail-type': REPORT_REQUESTED_EVENT.detailType,
    account: '123456789012',
    time: '2026-12-01T00:00:00Z',
    region: 'eu-west-1',
    resources: [],
    detail: { jobId: '7f0c6f5e-1d1b-4a57-9a34-0d1f3e1c2b3a' },
    ...changes,
  });
  const matches = (event: unknown) => {
    if (!reportRoute) throw new Error('route report-requested is missing');
    return matchesPattern(reportRoute.pattern, event);
  };

  it('targets the report worker on the verdict bus, which has the whole 15 minutes and 4 GiB of /tmp', () => {
    expect(reportRoute).toMatchObject({ bus: 'verdict', target: 'report-worker' });
    expect(reportRoute?.pattern).toEqual({
      source: [REPORT_REQUESTED_EVENT.source],
      'detail-type': [REPORT_REQUESTED_EVENT.detailType],
    });
    expect(functions['report-worker']).toMatchObject({
      entry: 'functions/reports/handler.ts',
      timeoutSeconds: 900,
      memoryMb: 1024,
      ephemeralStorageMb: 4096,
    });
  });

  it('matches the event the API publishes, and not decisions or other sources', () => {
    expect(matches(requested())).toBe(true);
    expect(matches(requested({ 'detail-type': 'Verdict Decision' }))).toBe(false);
    expect(matches(requested({ source: 'verdict.test' }))).toBe(false);
  });

  it('is the only route that reaches the report worker, and sees no SageMaker event', () => {
    expect(routes.filter((r) => r.target === 'report-worker').map((r) => r.id)).toEqual(['report-requested']);
    expect(matches(sample())).toBe(false);
  });
});
