/**
 * One status vocabulary for a deployment, whatever runs it. SageMaker spells its endpoint statuses two ways
 * (`InService` in the API, `IN_SERVICE` in its EventBridge events); both normalise here to one canonical
 * SageMaker status and from it to a deployment status.
 */
import { z } from 'zod';

export const DEPLOYMENT_STATUSES = [
  /** Asked for; the gate has not decided yet. */
  'requested',
  /** The gate denied it (or asked for a review): nothing was applied. */
  'refused',
  /** The target is creating or updating the workload. */
  'applying',
  /** New capacity serves a share of the traffic; alarms are watched until the bake ends. */
  'baking',
  /** The new version serves all the traffic. */
  'promoted',
  /** The target is restoring the previous version. */
  'rolling-back',
  /** The previous version serves again. */
  'rolled-back',
  /** The target could not apply it, nor restore the previous version. */
  'failed',
  /** Taken out of service because its approval was revoked. */
  'revoked',
  /** Was promoted; a deployment promoted later on the same target serves instead. */
  'replaced',
] as const;

export const deploymentStatusSchema = z.enum(DEPLOYMENT_STATUSES);
export type DeploymentStatus = z.infer<typeof deploymentStatusSchema>;

/** Statuses after which nothing more happens to a deployment. */
export const FINAL_DEPLOYMENT_STATUSES: ReadonlySet<DeploymentStatus> = new Set([
  'refused',
  'promoted',
  'rolled-back',
  'failed',
  'revoked',
  'replaced',
]);

/** SageMaker `EndpointStatus`, as the API spells it. */
export const SAGEMAKER_ENDPOINT_STATUSES = [
  'OutOfService',
  'Creating',
  'Updating',
  'SystemUpdating',
  'RollingBack',
  'InService',
  'Deleting',
  'Failed',
  'UpdateRollbackFailed',
] as const;
export type SageMakerEndpointStatus = (typeof SAGEMAKER_ENDPOINT_STATUSES)[number];

/** `PendingDeploymentSummary.ProductionVariants[].VariantStatus[].Status`. */
export const SAGEMAKER_VARIANT_STATUSES = [
  'Creating',
  'Updating',
  'Deleting',
  'ActivatingTraffic',
  'Baking',
] as const;
export type SageMakerVariantStatus = (typeof SAGEMAKER_VARIANT_STATUSES)[number];

/** `IN_SERVICE`, `in-service`, `InService` -> `inservice`: the spellings SageMaker uses compare equal. */
function folded(raw: string): string {
  return raw.replace(/[_\s-]/g, '').toLowerCase();
}

const ENDPOINT_BY_FOLDED = new Map(SAGEMAKER_ENDPOINT_STATUSES.map((s) => [folded(s), s]));
const VARIANT_BY_FOLDED = new Map(SAGEMAKER_VARIANT_STATUSES.map((s) => [folded(s), s]));

/** The API spelling of an endpoint status from either spelling; undefined for a status SageMaker has not. */
export function canonicalEndpointStatus(raw: string): SageMakerEndpointStatus | undefined {
  return ENDPOINT_BY_FOLDED.get(folded(raw));
}

/** The API spelling of a variant status from either spelling; undefined for an unknown one. */
export function canonicalVariantStatus(raw: string): SageMakerVariantStatus | undefined {
  return VARIANT_BY_FOLDED.get(folded(raw));
}

export interface SageMakerObservation {
  /** `EndpointStatus`, either spelling. */
  endpointStatus: string;
  /** The statuses of the pending deployment's variants, when one is in progress. */
  variantStatuses?: readonly string[];
  /** Where the deployment stood before: InService after a rollback means rolled back, not promoted. */
  previous?: DeploymentStatus;
}

/**
 * The deployment status an endpoint's state means. Undefined for a status SageMaker does not have: the
 * caller treats it as unknown rather than guess (a gate never reads an unknown status as success).
 */
export function deploymentStatusFromSageMaker(observed: SageMakerObservation): DeploymentStatus | undefined {
  const endpoint = canonicalEndpointStatus(observed.endpointStatus);
  if (!endpoint) return undefined;
  const variants = (observed.variantStatuses ?? []).map(canonicalVariantStatus);
  if (variants.includes(undefined)) return undefined;
  switch (endpoint) {
    case 'Creating':
    case 'Updating':
    case 'SystemUpdating':
      return variants.includes('Baking') ? 'baking' : 'applying';
    case 'RollingBack':
      return 'rolling-back';
    case 'InService':
      return observed.previous === 'rolling-back' || observed.previous === 'rolled-back'
        ? 'rolled-back'
        : 'promoted';
    case 'Deleting':
      return 'revoked';
    case 'OutOfService':
    case 'Failed':
    case 'UpdateRollbackFailed':
      return 'failed';
  }
}
