/**
 * What a KServe InferenceService's status means in the common deployment vocabulary. The KServe controller
 * reports `observedGeneration`, the conditions `Ready`, `PredictorReady` and `LatestDeploymentReady`, the
 * model's `transitionStatus`, and per component the latest created and ready revisions and the traffic
 * split between revisions (serverless mode; a raw deployment has no split). A canary's new revision is
 * ready and serves part of the traffic while the last rolled-out revision serves the rest: that is the bake.
 */
import type { DeploymentStatus } from '../../contracts/deployment-status.ts';
import type { KubernetesObservation } from './deployment-status-mapping.ts';
import type { InferenceService, KServeCondition } from './inference-service-manifest.ts';

/** `modelStatus.transitionStatus` values after which the revision will not become ready by itself. */
const FAILED_TRANSITIONS = new Set(['BlockedByFailedLoad', 'InvalidSpec']);
/** Knative's condition reason for a revision that cannot start. */
const FAILED_REASONS = new Set(['RevisionFailed', 'ProgressDeadlineExceeded', 'RevisionMissing']);

/**
 * `previous` is where the deployment stood: a ready service after a rollback means rolled back, and after a
 * revocation it stays revoked.
 */
export function deploymentStatusFromInferenceService(
  service: InferenceService,
  previous?: DeploymentStatus,
): KubernetesObservation {
  const status = service.status ?? {};
  const ready = condition(service, 'Ready');
  const predictorReady = condition(service, 'PredictorReady');
  const latestDeploymentReady = condition(service, 'LatestDeploymentReady');
  const predictor = status.components?.predictor ?? {};
  const latestTraffic = predictor.traffic?.find((entry) => entry.latestRevision === true);
  const latestShare = latestTraffic ? (latestTraffic.percent ?? 0) : undefined;
  const targetStatus = [
    `Ready=${words(ready)}`,
    `PredictorReady=${words(predictorReady)}`,
    `LatestDeploymentReady=${words(latestDeploymentReady)}`,
    `created=${predictor.latestCreatedRevision ?? '(none)'}`,
    `ready=${predictor.latestReadyRevision ?? '(none)'}`,
    ...(predictor.traffic
      ? [
          `traffic=${predictor.traffic.map((entry) => `${entry.revisionName ?? '?'}:${entry.percent ?? 0}%`).join(',')}`,
        ]
      : []),
  ].join(' ');
  const restoring = previous === 'rolling-back' || previous === 'rolled-back';
  if (previous === 'revoked') return { status: 'revoked', targetStatus };

  const observed = (status.observedGeneration ?? 0) >= (service.metadata?.generation ?? 1);
  const failure = failureOf(service);
  if (observed && failure) return { status: 'failed', targetStatus, reason: failure };

  const latestIsReady =
    predictor.latestCreatedRevision === undefined ||
    predictor.latestCreatedRevision === predictor.latestReadyRevision;
  const complete =
    observed &&
    ready?.status === 'True' &&
    latestIsReady &&
    (latestShare === undefined || latestShare === 100);
  if (complete) return { status: restoring ? 'rolled-back' : 'promoted', targetStatus };
  if (restoring) return { status: 'rolling-back', targetStatus };
  // The new revision is ready and serves beside the last rolled-out one: the canary's share bakes.
  const split = latestShare !== undefined && latestShare > 0 && latestShare < 100;
  const baking = observed && latestIsReady && predictor.latestReadyRevision !== undefined && split;
  return { status: baking ? 'baking' : 'applying', targetStatus };
}

function failureOf(service: InferenceService): string | undefined {
  const { modelStatus } = service.status ?? {};
  if (modelStatus?.transitionStatus && FAILED_TRANSITIONS.has(modelStatus.transitionStatus)) {
    const info = modelStatus.lastFailureInfo;
    return info?.message ?? info?.reason ?? modelStatus.transitionStatus;
  }
  for (const type of ['LatestDeploymentReady', 'PredictorReady', 'Ready']) {
    const found = condition(service, type);
    if (found?.status === 'False' && found.reason && FAILED_REASONS.has(found.reason)) {
      return found.message ?? found.reason;
    }
  }
  return undefined;
}

function words(found: KServeCondition | undefined): string {
  return `${found?.status ?? 'Unknown'}${found?.status === 'False' && found.reason ? `(${found.reason})` : ''}`;
}

function condition(service: InferenceService, type: string): KServeCondition | undefined {
  return service.status?.conditions?.find((entry) => entry.type === type);
}
