/**
 * Lambda entry point of the deployment orchestrator. Its AWS wiring (the DynamoDB store, the SageMaker
 * target, the bake schedules) is not in this package yet: every event fails closed, to the rule's
 * dead-letter queue, so nothing is deployed or changed without the gate.
 */
import { readDeploymentOrchestratorEnvironment } from './environment.ts';

export async function handler(): Promise<never> {
  readDeploymentOrchestratorEnvironment();
  throw new Error('the deployment orchestrator is not wired to AWS in this build');
}
