/** A Deployment's status in the common vocabulary, for each state the Deployment controller reports. */
import type { V1Deployment, V1DeploymentCondition } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { deploymentStatusFromKubernetes } from '../../../../functions/adapters/kubernetes/deployment-status-mapping.ts';

interface State {
  generation?: number;
  observedGeneration?: number;
  desired?: number;
  replicas?: number;
  updated?: number;
  available?: number;
  conditions?: V1DeploymentCondition[];
}

const progressing = (status: string, reason: string, message?: string): V1DeploymentCondition => ({
  type: 'Progressing',
  status,
  reason,
  ...(message ? { message } : {}),
});
const available = (status: string): V1DeploymentCondition => ({ type: 'Available', status });

function deployment(state: State): V1Deployment {
  return {
    metadata: { generation: state.generation ?? 2 },
    spec: {
      replicas: state.desired ?? 2,
      selector: {},
      template: {},
    },
    status: {
      observedGeneration: state.observedGeneration ?? 2,
      replicas: state.replicas,
      updatedReplicas: state.updated,
      availableReplicas: state.available,
      conditions: state.conditions,
    },
  };
}

const done = {
  replicas: 2,
  updated: 2,
  available: 2,
  conditions: [progressing('True', 'NewReplicaSetAvailable'), available('True')],
};

describe('deploymentStatusFromKubernetes', () => {
  it('reads a generation the controller has not seen yet as applying', () => {
    expect(deploymentStatusFromKubernetes(deployment({ ...done, observedGeneration: 1 }))).toEqual({
      status: 'applying',
      targetStatus: 'Progressing=True(NewReplicaSetAvailable) Available=True updated=2/2 available=2/2',
    });
  });

  it('reads new pods that are not all there yet as applying, and new pods beside old ones as baking', () => {
    const starting = {
      replicas: 2,
      updated: 0,
      available: 0,
      conditions: [progressing('True', 'ReplicaSetUpdated')],
    };
    expect(deploymentStatusFromKubernetes(deployment(starting)).status).toBe('applying');
    const halfway = {
      replicas: 3,
      updated: 1,
      available: 2,
      conditions: [progressing('True', 'ReplicaSetUpdated'), available('True')],
    };
    expect(deploymentStatusFromKubernetes(deployment(halfway))).toEqual({
      status: 'baking',
      targetStatus: 'Progressing=True(ReplicaSetUpdated) Available=True updated=1/2 available=2/2',
    });
  });

  it('reads a finished rollout as promoted, or as rolled back after a rollback', () => {
    expect(deploymentStatusFromKubernetes(deployment(done)).status).toBe('promoted');
    expect(deploymentStatusFromKubernetes(deployment(done), 'rolling-back').status).toBe('rolled-back');
    expect(deploymentStatusFromKubernetes(deployment({ ...done, available: 1 }), 'rolling-back').status).toBe(
      'rolling-back',
    );
  });

  it('reads a missed progress deadline as failed, with the controller message', () => {
    const stuck = {
      replicas: 3,
      updated: 1,
      available: 2,
      conditions: [
        progressing('False', 'ProgressDeadlineExceeded', 'ReplicaSet "scorer-7d" has timed out progressing.'),
        available('True'),
      ],
    };
    expect(deploymentStatusFromKubernetes(deployment(stuck))).toEqual({
      status: 'failed',
      targetStatus: 'Progressing=False(ProgressDeadlineExceeded) Available=True updated=1/2 available=2/2',
      reason: 'ReplicaSet "scorer-7d" has timed out progressing.',
    });
  });

  it('reads a revoked workload as revoked, scaled down or not yet', () => {
    const scaledDown = { desired: 0, replicas: 0, updated: 0, available: 0, conditions: [available('True')] };
    expect(deploymentStatusFromKubernetes(deployment(scaledDown), 'revoked').status).toBe('revoked');
    expect(deploymentStatusFromKubernetes(deployment({ ...done, desired: 0 }), 'revoked').status).toBe(
      'revoked',
    );
  });

  it('never reads an unknown status as done', () => {
    const empty: V1Deployment = { metadata: { generation: 1 }, spec: { selector: {}, template: {} } };
    expect(deploymentStatusFromKubernetes(empty)).toEqual({
      status: 'applying',
      targetStatus: 'Progressing=Unknown Available=Unknown updated=0/1 available=0/1',
    });
  });
});
