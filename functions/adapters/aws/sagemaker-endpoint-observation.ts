/**
 * What a SageMaker endpoint's state means for one deployment, from DescribeEndpoint or from the endpoint
 * events: the orchestration can consume the events instead of polling, and both paths read the same way.
 */
import {
  canonicalEndpointStatus,
  type DeploymentStatus,
  deploymentStatusFromSageMaker,
} from '../../contracts/deployment-status.ts';
import {
  ENDPOINT_DEPLOYMENT_STATE_CHANGE,
  type SageMakerEndpointEvent,
} from '../../contracts/sagemaker-endpoint-state-change.ts';
import type { AppliedDeployment, DeploymentObservation } from '../../ports/deployment-target.ts';
import { parseRevision } from './sagemaker-deployment-config.ts';

/** An endpoint's state in the terms both DescribeEndpoint and the events carry. */
export interface EndpointState {
  endpointName: string;
  /** Either spelling: `InService` or `IN_SERVICE`. */
  endpointStatus: string;
  /** The config serving now. */
  endpointConfigName: string;
  /** The config being rolled out, while an update is in progress. */
  pendingConfigName?: string;
  /** The statuses of the pending config's variants. */
  variantStatuses?: string[];
  failureReason?: string;
}

/**
 * The deployment's status from its endpoint's state; undefined when the state is about something else (another
 * endpoint, or another config being rolled out). InService on the deployment's config is promoted; InService on
 * any other config after the deployment was applied means SageMaker rolled it back (an alarm, a timeout).
 */
export function observationFromEndpointState(
  state: EndpointState,
  applied: AppliedDeployment,
  observedAt: string,
): DeploymentObservation | undefined {
  const { endpointName, endpointConfigName } = parseRevision(applied.revision);
  if (state.endpointName !== endpointName) return undefined;
  const targetStatus = canonicalEndpointStatus(state.endpointStatus) ?? state.endpointStatus;
  let status: DeploymentStatus | undefined;
  if (state.pendingConfigName !== undefined) {
    if (state.pendingConfigName !== endpointConfigName) return undefined;
    // The new fleet's variants being deleted during an update: SageMaker is going back to the old one.
    status = state.variantStatuses?.some((s) => /^deleting$/i.test(s))
      ? 'rolling-back'
      : deploymentStatusFromSageMaker({
          endpointStatus: state.endpointStatus,
          variantStatuses: state.variantStatuses ?? [],
        });
  } else if (targetStatus === 'InService') {
    status = state.endpointConfigName === endpointConfigName ? 'promoted' : 'rolled-back';
  } else {
    status = deploymentStatusFromSageMaker({ endpointStatus: state.endpointStatus });
  }
  if (status === undefined) {
    throw new Error(
      `unknown SageMaker endpoint state: ${state.endpointStatus} ${state.variantStatuses ?? ''}`,
    );
  }
  const reason = status === 'rolled-back' || status === 'failed' ? state.failureReason : undefined;
  return {
    deploymentId: applied.deploymentId,
    status,
    targetStatus,
    ...(reason && { reason }),
    observedAt,
  };
}

/** A parsed endpoint event as the observation of one deployment; undefined when it is about another. */
export function observationFromEndpointEvent(
  event: SageMakerEndpointEvent,
  applied: AppliedDeployment,
): DeploymentObservation | undefined {
  const { detail } = event;
  const state: EndpointState = {
    endpointName: detail.EndpointName,
    endpointStatus: detail.EndpointStatus,
    endpointConfigName: detail.EndpointConfigName,
    ...(detail.FailureReason !== undefined && { failureReason: detail.FailureReason }),
  };
  if (event['detail-type'] === ENDPOINT_DEPLOYMENT_STATE_CHANGE) {
    const pending = event.detail.PendingDeploymentSummary;
    state.pendingConfigName = pending.EndpointConfigName;
    state.variantStatuses = pending.ProductionVariants.flatMap((variant) =>
      variant.VariantStatus.map((s) => s.Status),
    );
  }
  return observationFromEndpointState(state, applied, event.time);
}
