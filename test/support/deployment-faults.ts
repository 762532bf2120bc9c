/**
 * Fault-injecting wrappers of the deployment saga's ports, for the crash cases: a process killed (-9) at a
 * chosen write leaves everything before it done and nothing after. `crashOn` arms one crash at the n-th call
 * of a method (counted from 1 after arming); the call throws `ProcessKilled` before (or after) it happens.
 */
import type { ActionRecord } from '../../functions/contracts/action.ts';
import type { Deployment } from '../../functions/contracts/deployment.ts';
import type { ActionLog, RecordedActions } from '../../functions/ports/action-log.ts';
import type { DeploymentStore } from '../../functions/ports/deployment-store.ts';

export class ProcessKilled extends Error {
  override readonly name = 'ProcessKilled';
}

interface Crash {
  method: string;
  call: number;
  /** `before`: the call does nothing; `after`: it is done, then the process dies before the answer. */
  when: 'before' | 'after';
}

export class CrashPoints {
  #crash: Crash | undefined;
  readonly #counts = new Map<string, number>();
  fired = 0;

  crashOn(method: string, call = 1, when: Crash['when'] = 'before'): void {
    this.#crash = { method, call, when };
    this.#counts.clear();
  }

  async around<T>(method: string, act: () => Promise<T>): Promise<T> {
    const call = (this.#counts.get(method) ?? 0) + 1;
    this.#counts.set(method, call);
    const crash = this.#crash;
    const hit = crash?.method === method && crash.call === call;
    if (hit && crash.when === 'before') return this.#kill(method);
    const result = await act();
    if (hit) return this.#kill(method);
    return result;
  }

  #kill(method: string): never {
    this.#crash = undefined;
    this.fired++;
    throw new ProcessKilled(`killed at ${method}`);
  }
}

export function crashingStore(store: DeploymentStore, points: CrashPoints): DeploymentStore {
  return {
    get: (id) => store.get(id),
    list: (options) => store.list(options),
    put: (next: Deployment, expected: number) => points.around('store.put', () => store.put(next, expected)),
    claimTarget: (target, id, takeOverFrom) =>
      points.around('store.claimTarget', () => store.claimTarget(target, id, takeOverFrom)),
    targetHolder: (target) => store.targetHolder(target),
    releaseTarget: (target, id) =>
      points.around('store.releaseTarget', () => store.releaseTarget(target, id)),
  };
}

export function crashingActions(
  actions: ActionLog & RecordedActions,
  points: CrashPoints,
): ActionLog & RecordedActions {
  return {
    recordAction: (action: ActionRecord) =>
      points.around('actions.recordAction', () => actions.recordAction(action)),
    hasAction: (id) => actions.hasAction(id),
    findAction: (id) => actions.findAction(id),
  };
}
