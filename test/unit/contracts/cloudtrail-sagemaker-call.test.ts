/**
 * CloudTrail's record of a SageMaker call as EventBridge delivers it (`AWS API Call via CloudTrail`): the
 * contract reads what the out-of-band step needs, the route sends the endpoint-changing calls to the
 * orchestrator and nothing else, and the caller is recorded by role, never by a person's session or user name.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  callerOf,
  cloudTrailSageMakerCallSchema,
} from '../../../functions/contracts/cloudtrail-sagemaker-call.ts';
import { matchesPattern } from '../../../functions/events/event-pattern.ts';
import { routes } from '../../../functions/routes.ts';

type Event = { detail: Record<string, unknown> } & Record<string, unknown>;
const sample = (): Event =>
  JSON.parse(
    readFileSync(
      new URL('../../fixtures/events/cloudtrail-sagemaker-update-endpoint.json', import.meta.url),
      'utf8',
    ),
  ) as Event;
const withDetail = (changes: Record<string, unknown>): Event => {
  const event = sample();
  return { ...event, detail: { ...event.detail, ...changes } };
};
const route = routes.find(({ id }) => id === 'sagemaker-out-of-band-call');

describe('AWS API Call via CloudTrail for SageMaker', () => {
  it('reads the call, its parameters and who made it, and keeps the rest', () => {
    const call = cloudTrailSageMakerCallSchema.parse(sample().detail);
    expect(call).toMatchObject({
      eventID: 'd3c1a2b4-7e8f-4a5b-9c6d-1e2f3a4b5c6d',
      eventName: 'UpdateEndpoint',
      requestParameters: { endpointName: 'credit-scorer-prod', endpointConfigName: 'credit-scorer-hotfix' },
      userAgent: 'aws-cli/2.22.0',
    });
    expect(call.errorCode).toBeUndefined();
    expect(callerOf(call.userIdentity)).toBe('arn:aws:iam::111122223333:role/DataScientist');
  });

  it('names an IAM user or the root only by kind: a user name is personal data', () => {
    const user = { type: 'IAMUser', arn: 'arn:aws:iam::111122223333:user/jane.doe' };
    expect(callerOf(user)).toBe('IAMUser');
    expect(callerOf({ type: 'Root', arn: 'arn:aws:iam::111122223333:root' })).toBe('Root');
  });

  it('refuses a call of another service or operation, and a name SageMaker would not accept', () => {
    const problems = (detail: Record<string, unknown>) =>
      cloudTrailSageMakerCallSchema.safeParse(detail).error?.issues.map((i) => i.path.join('.'));
    expect(problems(withDetail({ eventSource: 's3.amazonaws.com' }).detail)).toEqual(['eventSource']);
    expect(problems(withDetail({ eventName: 'CreateModel' }).detail)).toEqual(['eventName']);
    expect(
      problems(
        withDetail({ requestParameters: { endpointName: '../credit', endpointConfigName: 'x' } }).detail,
      ),
    ).toEqual(['requestParameters.endpointName']);
  });

  it('reads a failed call with its error code (the step ignores it)', () => {
    const call = cloudTrailSageMakerCallSchema.parse(
      withDetail({
        errorCode: 'ValidationException',
        errorMessage: 'Could not find endpoint',
        responseElements: null,
      }).detail,
    );
    expect(call.errorCode).toBe('ValidationException');
  });
});

describe('sagemaker-out-of-band-call route', () => {
  it('sends the endpoint-changing calls on the default bus to the orchestrator', () => {
    expect(route).toMatchObject({ bus: 'default', target: 'deployment-orchestrator' });
    const pattern = route?.pattern ?? {};
    for (const eventName of [
      'CreateEndpoint',
      'UpdateEndpoint',
      'CreateEndpointConfig',
      'DeleteEndpoint',
      'UpdateEndpointWeightsAndCapacities',
    ]) {
      expect(matchesPattern(pattern, withDetail({ eventName })), eventName).toBe(true);
    }
  });

  it('does not match reads, other operations, other services or other detail types', () => {
    const pattern = route?.pattern ?? {};
    expect(matchesPattern(pattern, withDetail({ eventName: 'DescribeEndpoint' }))).toBe(false);
    expect(matchesPattern(pattern, withDetail({ eventName: 'CreateModel' }))).toBe(false);
    expect(matchesPattern(pattern, withDetail({ eventSource: 'iam.amazonaws.com' }))).toBe(false);
    expect(matchesPattern(pattern, { ...sample(), 'detail-type': 'SageMaker Endpoint State Change' })).toBe(
      false,
    );
  });
});
