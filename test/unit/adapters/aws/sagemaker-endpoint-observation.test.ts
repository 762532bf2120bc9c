/**
 * SageMaker's endpoint events (shapes as documented and as the emulator sends them) read as the observation
 * of one deployment, so the orchestration can consume events instead of polling.
 */
import { describe, expect, it } from 'vitest';
import { observationFromEndpointEvent } from '../../../../functions/adapters/aws/sagemaker-endpoint-observation.ts';
import { sageMakerEndpointEventSchema } from '../../../../functions/contracts/sagemaker-endpoint-state-change.ts';

const ENDPOINT = 'credit-scorer-prod';
const OLD = 'verdict-dep-0';
const NEW = 'verdict-dep-1';
const TIME = '2026-12-07T10:00:00Z';
const applied = { deploymentId: 'dep-1', revision: `${ENDPOINT}/${NEW}`, status: 'applying' as const };

function event(detailType: string, detail: Record<string, unknown>) {
  return sageMakerEndpointEventSchema.parse({
    version: '0',
    id: 'e1',
    'detail-type': detailType,
    source: 'aws.sagemaker',
    account: '111122223333',
    time: TIME,
    region: 'eu-west-1',
    resources: [`arn:aws:sagemaker:eu-west-1:111122223333:endpoint/${ENDPOINT}`],
    detail: {
      EndpointName: ENDPOINT,
      EndpointArn: `arn:aws:sagemaker:eu-west-1:111122223333:endpoint/${ENDPOINT}`,
      ProductionVariants: [{ VariantName: 'primary', DesiredWeight: 1, DesiredInstanceCount: 2 }],
      CreationTime: 1765000000000,
      LastModifiedTime: 1765000100000,
      Tags: {},
      ...detail,
    },
  });
}

const stateChange = (detail: Record<string, unknown>) => event('SageMaker Endpoint State Change', detail);
const deploymentChange = (variantStatus: string, pendingConfig = NEW) =>
  event('SageMaker Endpoint Deployment State Change', {
    EndpointConfigName: OLD,
    EndpointStatus: 'UPDATING',
    PendingDeploymentSummary: {
      EndpointConfigName: pendingConfig,
      StartTime: 1765000100000,
      ProductionVariants: [
        {
          VariantName: 'primary',
          CurrentWeight: 0,
          DesiredWeight: 1,
          CurrentInstanceCount: 2,
          DesiredInstanceCount: 2,
          VariantStatus: [{ Status: variantStatus, StatusMessage: 'x', StartTime: 1765000100000 }],
        },
      ],
    },
  });

describe('observationFromEndpointEvent', () => {
  it('reads the deployment event of the new config in Baking as baking', () => {
    expect(observationFromEndpointEvent(deploymentChange('Baking'), applied)).toEqual({
      deploymentId: 'dep-1',
      status: 'baking',
      targetStatus: 'Updating',
      observedAt: TIME,
    });
  });

  it('reads ActivatingTraffic as applying and the new variants Deleting as rolling back', () => {
    expect(observationFromEndpointEvent(deploymentChange('ActivatingTraffic'), applied)?.status).toBe(
      'applying',
    );
    expect(observationFromEndpointEvent(deploymentChange('Deleting'), applied)?.status).toBe('rolling-back');
  });

  it('reads IN_SERVICE on the new config as promoted', () => {
    expect(
      observationFromEndpointEvent(
        stateChange({ EndpointConfigName: NEW, EndpointStatus: 'IN_SERVICE' }),
        applied,
      ),
    ).toEqual({ deploymentId: 'dep-1', status: 'promoted', targetStatus: 'InService', observedAt: TIME });
  });

  it('reads IN_SERVICE back on the old config as rolled back, with the failure reason', () => {
    const reason = 'Deployment rolled back: alarm credit-scorer-5xx in ALARM';
    expect(
      observationFromEndpointEvent(
        stateChange({ EndpointConfigName: OLD, EndpointStatus: 'IN_SERVICE', FailureReason: reason }),
        applied,
      ),
    ).toEqual({
      deploymentId: 'dep-1',
      status: 'rolled-back',
      targetStatus: 'InService',
      reason,
      observedAt: TIME,
    });
  });

  it.each([
    ['UPDATING', 'applying', 'Updating'],
    ['CREATING', 'applying', 'Creating'],
    ['ROLLING_BACK', 'rolling-back', 'RollingBack'],
    ['FAILED', 'failed', 'Failed'],
    ['UPDATE_ROLLBACK_FAILED', 'failed', 'UpdateRollbackFailed'],
    ['DELETING', 'revoked', 'Deleting'],
  ])('reads the endpoint status %s as %s', (raw, status, targetStatus) => {
    expect(
      observationFromEndpointEvent(
        stateChange({ EndpointConfigName: OLD, EndpointStatus: raw, FailureReason: 'boom' }),
        applied,
      ),
    ).toEqual({
      deploymentId: 'dep-1',
      status,
      targetStatus,
      ...(status === 'failed' && { reason: 'boom' }),
      observedAt: TIME,
    });
  });

  it('ignores events of another endpoint and of another config being rolled out', () => {
    expect(
      observationFromEndpointEvent(
        stateChange({ EndpointName: 'other', EndpointConfigName: NEW, EndpointStatus: 'IN_SERVICE' }),
        applied,
      ),
    ).toBeUndefined();
    expect(
      observationFromEndpointEvent(deploymentChange('Baking', 'verdict-dep-9'), applied),
    ).toBeUndefined();
  });

  it('refuses a status SageMaker does not have, rather than guess', () => {
    expect(() => stateChange({ EndpointConfigName: NEW, EndpointStatus: 'HEALTHY' })).toThrow(
      /unknown endpoint status/,
    );
    expect(() => deploymentChange('Warming')).toThrow(/unknown variant status/);
  });
});
