/**
 * The model-registry gate for one event, offline (`verdict gate`): the gate's plain core
 * (model-registry-gate.ts) over stores that live for this call, without the Lambda middleware chain.
 *
 * The middleware adds nothing a one-shot offline run keeps: logs and metrics are off on a terminal, nothing
 * is traced, no event is ever redelivered (idempotency), and a rejection recorded in a throwaway store is
 * never read. What decides stays: the event-size limit and the parsed event the handler's middleware check,
 * the deadline it allows, and every fail-closed path of the core. The decision is the handler's (a test
 * compares them). Every decision and action is checked as an audit-ledger entry (canonical JSON, size, no
 * personal data in clear) exactly as the ledger checks an append, so what the ledger would refuse fails
 * here too; no log is kept or signed, since nothing offline could read it back.
 */
import type { ActionRecord } from '../contracts/action.ts';
import type { Decision, Rejection } from '../contracts/decision.ts';
import type { Exception } from '../contracts/exception.ts';
import type { ModelPackageStateChangeEvent } from '../contracts/model-package-state-change.ts';
import {
  type GateOutcome,
  gateModelPackage,
  type ModelRegistryGateDeps,
} from '../gates/model-registry/model-registry-gate.ts';
import type { PolicyEngine } from '../gates/policy/policy-engine.ts';
import { actionEntry, decisionEntry, prepareEntry, rejectionEntry } from '../ledger/entry.ts';
import type { ActionLog } from '../ports/action-log.ts';
import type { DecisionPage, DecisionStore } from '../ports/decision-store.ts';
import type { ExceptionStore } from '../ports/exception-store.ts';
import type { ModelRegistry } from '../ports/model-registry.ts';
import type { ObjectStore } from '../ports/object-store.ts';
import { functions } from '../routes.ts';
import { InvalidInputError } from '../shared/validation.ts';

/** EventBridge's limit for one event, which the Lambda handler enforces too (rejectBadInput). */
export const OFFLINE_MAX_EVENT_BYTES = 256 * 1024;
/** As the Lambda handler allows: the function's timeout less the margin it keeps to record a late deny. */
const OFFLINE_DEADLINE_MS = functions['model-registry-gate'].timeoutSeconds * 1000 - 5_000;

export interface OfflineGateDeps {
  registry: ModelRegistry;
  objects: ObjectStore;
  policyEngine: () => Promise<PolicyEngine>;
  environment: string;
  now?: () => Date;
  deadlineMs?: number;
}

/** Gates one parsed event; a package already decided or not pending comes back `skipped`. */
export async function gateOneEvent(
  event: ModelPackageStateChangeEvent,
  deps: OfflineGateDeps,
): Promise<GateOutcome> {
  const bytes = Buffer.byteLength(JSON.stringify(event));
  if (bytes > OFFLINE_MAX_EVENT_BYTES) {
    throw new InvalidInputError('event.too_large', [
      `(root): ${bytes} bytes exceeds ${OFFLINE_MAX_EVENT_BYTES}`,
    ]);
  }
  const now = deps.now ?? (() => new Date());
  const core: ModelRegistryGateDeps = {
    registry: deps.registry,
    objects: deps.objects,
    decisions: new OneRunDecisionStore(now),
    // Nothing is granted in a store that lives for one call.
    exceptions: noExceptions,
    actions: new OneRunActionLog(now),
    events: { publish: async () => undefined },
    policyEngine: deps.policyEngine,
    environment: deps.environment,
    now,
    deadlineMs: deps.deadlineMs ?? OFFLINE_DEADLINE_MS,
  };
  return gateModelPackage(event, core);
}

class OneRunDecisionStore implements DecisionStore {
  readonly #decisions = new Map<string, Decision>();
  readonly #rejections: Rejection[] = [];

  constructor(readonly now: () => Date) {}

  async record(decision: Decision): Promise<{ stored: Decision; created: boolean }> {
    prepareEntry(decisionEntry(decision, this.now().toISOString()));
    const earlier = this.#decisions.get(decision.id);
    if (earlier) return { stored: earlier, created: false };
    this.#decisions.set(decision.id, decision);
    return { stored: decision, created: true };
  }

  async get(id: string): Promise<Decision | undefined> {
    return this.#decisions.get(id);
  }

  async list(): Promise<DecisionPage> {
    return { decisions: [...this.#decisions.values()] };
  }

  async recordRejection(rejection: Rejection): Promise<void> {
    prepareEntry(rejectionEntry(rejection, this.now().toISOString()));
    this.#rejections.push(rejection);
  }

  async listRejections(): Promise<Rejection[]> {
    return [...this.#rejections];
  }
}

class OneRunActionLog implements ActionLog {
  readonly #actions = new Map<string, ActionRecord>();

  constructor(readonly now: () => Date) {}

  async recordAction(action: ActionRecord): Promise<void> {
    prepareEntry(actionEntry(action, this.now().toISOString()));
    if (!this.#actions.has(action.id)) this.#actions.set(action.id, action);
  }

  async hasAction(id: string): Promise<boolean> {
    return this.#actions.has(id);
  }
}

const noExceptions: ExceptionStore = {
  grant: async (exception: Exception) => ({ stored: exception, created: true }),
  listFor: async () => [],
  getException: async () => undefined,
  revoke: async () => undefined,
};
