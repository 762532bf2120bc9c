/**
 * Wakes the orchestration when a deployment's bake ends (EventBridge Scheduler in AWS, a timer locally):
 * nothing waits in a loop for it.
 */
export interface BakeTimer {
  /** Asks for `endBake(deploymentId)` at `at`; scheduling the same deployment again replaces the earlier one. */
  scheduleBakeEnd(deploymentId: string, at: string): Promise<void>;
}
