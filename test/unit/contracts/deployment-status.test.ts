/** One status vocabulary: SageMaker's two spellings of an endpoint status mean the same deployment status. */
import { describe, expect, it } from 'vitest';
import {
  canonicalEndpointStatus,
  deploymentStatusFromSageMaker,
  deploymentStatusSchema,
  FINAL_DEPLOYMENT_STATUSES,
} from '../../../functions/contracts/deployment-status.ts';

describe('the deployment status', () => {
  it.each([
    ['IN_SERVICE', 'InService'],
    ['InService', 'InService'],
    ['UPDATING', 'Updating'],
    ['ROLLING_BACK', 'RollingBack'],
    ['UPDATE_ROLLBACK_FAILED', 'UpdateRollbackFailed'],
    ['OUT_OF_SERVICE', 'OutOfService'],
  ])('reads the SageMaker status %s as %s', (raw, canonical) => {
    expect(canonicalEndpointStatus(raw)).toBe(canonical);
  });

  it('does not guess an unknown status', () => {
    expect(canonicalEndpointStatus('HEALTHY')).toBeUndefined();
    expect(deploymentStatusFromSageMaker({ endpointStatus: 'HEALTHY' })).toBeUndefined();
    expect(
      deploymentStatusFromSageMaker({ endpointStatus: 'UPDATING', variantStatuses: ['Cooking'] }),
    ).toBeUndefined();
  });

  it.each([
    [{ endpointStatus: 'CREATING' }, 'applying'],
    [{ endpointStatus: 'UPDATING', variantStatuses: ['ActivatingTraffic'] }, 'applying'],
    [{ endpointStatus: 'UPDATING', variantStatuses: ['BAKING'] }, 'baking'],
    [{ endpointStatus: 'Updating', variantStatuses: ['Baking'] }, 'baking'],
    [{ endpointStatus: 'IN_SERVICE' }, 'promoted'],
    [{ endpointStatus: 'InService', previous: 'baking' }, 'promoted'],
    [{ endpointStatus: 'ROLLING_BACK' }, 'rolling-back'],
    [{ endpointStatus: 'IN_SERVICE', previous: 'rolling-back' }, 'rolled-back'],
    [{ endpointStatus: 'FAILED' }, 'failed'],
    [{ endpointStatus: 'UpdateRollbackFailed' }, 'failed'],
    [{ endpointStatus: 'DELETING' }, 'revoked'],
  ] as const)('maps %o to %s', (observed, status) => {
    expect(deploymentStatusFromSageMaker(observed)).toBe(status);
  });

  it('counts replaced among the final statuses', () => {
    expect([...FINAL_DEPLOYMENT_STATUSES]).toEqual([
      'refused',
      'promoted',
      'rolled-back',
      'failed',
      'revoked',
      'replaced',
    ]);
  });

  it('has one vocabulary for both targets', () => {
    expect(deploymentStatusSchema.options).toEqual([
      'requested',
      'refused',
      'applying',
      'baking',
      'promoted',
      'rolling-back',
      'rolled-back',
      'failed',
      'revoked',
      'replaced',
    ]);
  });
});
