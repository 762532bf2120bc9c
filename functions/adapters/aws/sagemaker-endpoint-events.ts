/**
 * SageMaker's endpoint events read as observations of the rollout on that endpoint: `SageMaker Endpoint
 * State Change` and `SageMaker Endpoint Deployment State Change`, from EventBridge in AWS and from the
 * embedded endpoints locally (which put the same events on the local bus).
 */
import { deploymentTargetName } from '../../contracts/deployment-request.ts';
import { sageMakerEndpointEventSchema } from '../../contracts/sagemaker-endpoint-state-change.ts';
import type { TargetEventReader } from '../../deployments/target-events.ts';
import { InvalidInputError, parseOrThrow } from '../../shared/validation.ts';
import { observationFromEndpointEvent } from './sagemaker-endpoint-observation.ts';

const SAGEMAKER_SOURCE = 'aws.sagemaker';

export const sageMakerEndpointEvents: TargetEventReader = {
  targetOf(event) {
    if (!isSageMakerEvent(event)) return undefined;
    const name = (event.detail as { EndpointName?: unknown } | undefined)?.EndpointName;
    if (typeof name !== 'string' || name.length === 0) {
      throw new InvalidInputError('event.invalid', ['detail.EndpointName: expected a string']);
    }
    return deploymentTargetName({ kind: 'sagemaker', endpointName: name });
  },
  observation(event, applied) {
    const parsed = parseOrThrow(sageMakerEndpointEventSchema, event, 'event.invalid');
    return observationFromEndpointEvent(parsed, applied);
  },
};

function isSageMakerEvent(event: unknown): event is { detail?: unknown } {
  const source = (event as { source?: unknown } | null)?.source;
  const type = (event as { 'detail-type'?: unknown } | null)?.['detail-type'];
  return source === SAGEMAKER_SOURCE && typeof type === 'string' && type.startsWith('SageMaker Endpoint');
}
