/**
 * How a target's own events (SageMaker's endpoint events, a Kubernetes watch) are read: which target an event
 * is about, and what it says about the rollout applied there. Each target's adapter provides one; the
 * orchestration finds the deployment in progress on that target and records the observation.
 */
import type { AppliedDeployment, DeploymentObservation } from '../ports/deployment-target.ts';

export interface TargetEventReader {
  /** The target the event is about, named as `deploymentTargetName` names it; undefined if not this reader's event. */
  targetOf(event: unknown): string | undefined;
  /** The event as an observation of the rollout `applied`; undefined when it is about another rollout. */
  observation(event: unknown, applied: AppliedDeployment): DeploymentObservation | undefined;
}
