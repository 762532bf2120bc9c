/**
 * A KServe InferenceService's status in the common vocabulary, for status objects shaped as the KServe
 * controller writes them (serverless mode: Knative revisions and a traffic split; the canary rollout
 * example in KServe's documentation), and without a split (raw deployment mode).
 */
import { describe, expect, it } from 'vitest';
import type {
  InferenceService,
  InferenceServiceStatus,
  KServeCondition,
} from '../../../../functions/adapters/kubernetes/inference-service-manifest.ts';
import { deploymentStatusFromInferenceService } from '../../../../functions/adapters/kubernetes/inference-service-status-mapping.ts';

const FIRST = 'scorer-predictor-00001';
const SECOND = 'scorer-predictor-00002';

const conditions = (
  status: KServeCondition['status'],
  reason?: string,
  message?: string,
): KServeCondition[] =>
  [
    'IngressReady',
    'LatestDeploymentReady',
    'PredictorConfigurationReady',
    'PredictorReady',
    'PredictorRouteReady',
    'Ready',
  ].map((type) => ({
    type,
    status: type === 'IngressReady' ? 'True' : status,
    ...(status === 'False' && reason ? { reason } : {}),
    ...(status === 'False' && message ? { message } : {}),
  }));

function service(status: InferenceServiceStatus, generation = 2): InferenceService {
  return {
    apiVersion: 'serving.kserve.io/v1beta1',
    kind: 'InferenceService',
    metadata: { name: 'scorer', namespace: 'serving', generation },
    spec: { predictor: { canaryTrafficPercent: 10 } },
    status: { url: 'http://scorer.serving.example.com', ...status },
  };
}

/** Step 2 of KServe's canary example: the new revision is ready and takes 10 %, the rolled-out one 90 %. */
const canarySplit: InferenceServiceStatus = {
  observedGeneration: 2,
  conditions: conditions('True'),
  components: {
    predictor: {
      latestCreatedRevision: SECOND,
      latestReadyRevision: SECOND,
      latestRolledoutRevision: FIRST,
      previousRolledoutRevision: FIRST,
      traffic: [
        { tag: 'latest', revisionName: SECOND, percent: 10, latestRevision: true },
        { tag: 'prev', revisionName: FIRST, percent: 90, latestRevision: false },
      ],
    },
  },
  modelStatus: { transitionStatus: 'UpToDate' },
};

/** Step 3: promoted, the latest revision takes all the traffic. */
const rolledOut: InferenceServiceStatus = {
  observedGeneration: 3,
  conditions: conditions('True'),
  components: {
    predictor: {
      latestCreatedRevision: SECOND,
      latestReadyRevision: SECOND,
      latestRolledoutRevision: SECOND,
      previousRolledoutRevision: FIRST,
      traffic: [{ tag: 'latest', revisionName: SECOND, percent: 100, latestRevision: true }],
    },
  },
  modelStatus: { transitionStatus: 'UpToDate' },
};

/** The new revision is created but not ready: the last rolled-out one serves everything. */
const starting: InferenceServiceStatus = {
  observedGeneration: 2,
  conditions: conditions('Unknown'),
  components: {
    predictor: {
      latestCreatedRevision: SECOND,
      latestReadyRevision: FIRST,
      traffic: [{ tag: 'prev', revisionName: FIRST, percent: 100, latestRevision: false }],
    },
  },
  modelStatus: { transitionStatus: 'InProgress' },
};

describe('deploymentStatusFromInferenceService', () => {
  it('reads a spec the controller has not seen yet as applying', () => {
    expect(deploymentStatusFromInferenceService(service(rolledOut, 4))).toMatchObject({ status: 'applying' });
  });

  it('reads no status at all (just created) as applying', () => {
    expect(deploymentStatusFromInferenceService(service({}, 1))).toEqual({
      status: 'applying',
      targetStatus:
        'Ready=Unknown PredictorReady=Unknown LatestDeploymentReady=Unknown created=(none) ready=(none)',
    });
  });

  it('reads a new revision that is not ready yet as applying', () => {
    expect(deploymentStatusFromInferenceService(service(starting))).toEqual({
      status: 'applying',
      targetStatus:
        `Ready=Unknown PredictorReady=Unknown LatestDeploymentReady=Unknown created=${SECOND} ready=${FIRST}` +
        ` traffic=${FIRST}:100%`,
    });
  });

  it('reads a ready canary revision serving part of the traffic as baking', () => {
    expect(deploymentStatusFromInferenceService(service(canarySplit))).toEqual({
      status: 'baking',
      targetStatus:
        `Ready=True PredictorReady=True LatestDeploymentReady=True created=${SECOND} ready=${SECOND}` +
        ` traffic=${SECOND}:10%,${FIRST}:90%`,
    });
  });

  it('reads the latest revision ready with all the traffic as promoted', () => {
    expect(deploymentStatusFromInferenceService(service(rolledOut, 3))).toMatchObject({ status: 'promoted' });
  });

  it('reads a ready service without a traffic split (raw deployment mode) as promoted', () => {
    const raw: InferenceServiceStatus = {
      observedGeneration: 1,
      conditions: conditions('True'),
      components: { predictor: {} },
    };
    expect(deploymentStatusFromInferenceService(service(raw, 1))).toEqual({
      status: 'promoted',
      targetStatus: 'Ready=True PredictorReady=True LatestDeploymentReady=True created=(none) ready=(none)',
    });
  });

  it('reads a model that failed to load as failed, with KServe’s reason', () => {
    const failed: InferenceServiceStatus = {
      ...starting,
      modelStatus: {
        transitionStatus: 'BlockedByFailedLoad',
        lastFailureInfo: { reason: 'ModelLoadFailed', message: 'Model failed to load' },
      },
    };
    expect(deploymentStatusFromInferenceService(service(failed))).toMatchObject({
      status: 'failed',
      reason: 'Model failed to load',
    });
  });

  it('reads a revision that cannot start as failed', () => {
    const message = `Revision "${SECOND}" failed with message: Container failed with: exec format error.`;
    const failed: InferenceServiceStatus = {
      ...starting,
      conditions: conditions('False', 'RevisionFailed', message),
    };
    expect(deploymentStatusFromInferenceService(service(failed))).toEqual({
      status: 'failed',
      targetStatus:
        'Ready=False(RevisionFailed) PredictorReady=False(RevisionFailed) LatestDeploymentReady=False(RevisionFailed)' +
        ` created=${SECOND} ready=${FIRST} traffic=${FIRST}:100%`,
      reason: message,
    });
  });

  it('reads a rollback as rolling back until the restored spec is ready, then rolled back', () => {
    expect(deploymentStatusFromInferenceService(service(starting), 'rolling-back')).toMatchObject({
      status: 'rolling-back',
    });
    expect(deploymentStatusFromInferenceService(service(rolledOut, 3), 'rolling-back')).toMatchObject({
      status: 'rolled-back',
    });
  });

  it('keeps a revoked deployment revoked', () => {
    expect(deploymentStatusFromInferenceService(service(rolledOut, 3), 'revoked')).toMatchObject({
      status: 'revoked',
    });
  });
});
