/**
 * The ledger's decision is the decision: one decision per model version whatever the event ids, a redelivery
 * completes what the ledger holds (never re-evaluates), and the status update and the `Verdict Decision`
 * event are each done once and recorded, even after a crash between any two steps. Crashes and lost answers
 * are injected by wrapping the local adapters (the in-memory ports have no failure modes of their own).
 */
import { describe, expect, it } from 'vitest';
import type { Decision } from '../../../../functions/contracts/decision.ts';
import { modelPackageStateChangeEventSchema } from '../../../../functions/contracts/model-package-state-change.ts';
import type { ModelPackageSnapshot } from '../../../../functions/events/model-package-event.ts';
import {
  type GateOutcome,
  gateModelPackage,
  modelPackageDecisionId,
} from '../../../../functions/gates/model-registry/model-registry-gate.ts';
import { LedgerDecisionStore } from '../../../../functions/ledger/ledger-decision-store.ts';
import type { DecisionStore } from '../../../../functions/ports/decision-store.ts';
import type { ModelRegistry } from '../../../../functions/ports/model-registry.ts';
import { FIXED_NOW, gateFixture, sample } from '../../../support/gate-fixture.ts';

type Fixture = ReturnType<typeof gateFixture>;

const credit = {
  profile: sample('credit-scorer.profile.json'),
  report: sample('credit-scorer.analysis.json'),
};

function eventFor(f: Fixture, pkg: ModelPackageSnapshot, id: string) {
  return modelPackageStateChangeEventSchema.parse(f.registry.toStateChangeEvent(pkg, { id }));
}

/** The registry, counting status updates; `failAfterApplying` loses the answer of the next update. */
function countingRegistry(f: Fixture) {
  const counter = { updates: 0, failAfterApplying: false };
  const registry: ModelRegistry = {
    describeModelPackage: (arn) => f.registry.describeModelPackage(arn),
    setApprovalStatus: async (arn, status, description) => {
      counter.updates += 1;
      await f.registry.setApprovalStatus(arn, status, description);
      if (counter.failAfterApplying) {
        counter.failAfterApplying = false;
        throw new Error('socket hang up after UpdateModelPackage applied');
      }
    },
  };
  return { registry, counter };
}

async function ledgerIds(f: Fixture): Promise<string[]> {
  const ledger = await f.ledger();
  const ids: string[] = [];
  for await (const entry of ledger.store.entries(0, await ledger.size())) ids.push(entry.id);
  return ids;
}

describe('one decision per model version', () => {
  it('a storm of concurrent events with distinct ids for one package makes 1 decision, 1 update, 1 event', async () => {
    const f = gateFixture();
    const pkg = await f.register('storm', credit);
    const { registry, counter } = countingRegistry(f);
    const deps = { ...f.deps, registry };
    const N = 100;

    const outcomes = await Promise.all(
      Array.from({ length: N }, (_, i) => gateModelPackage(eventFor(f, pkg, `storm-${i}`), deps)),
    );

    const decisionId = modelPackageDecisionId(pkg.arn);
    expect(new Set(outcomes.map((o) => (o.status === 'skipped' ? o.status : o.decision.id)))).toEqual(
      new Set([decisionId]),
    );
    expect(outcomes.filter((o) => o.status === 'decided')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'duplicate')).toHaveLength(N - 1);
    expect((await f.decisions.list({ limit: 1000 })).decisions.map((d) => d.id)).toEqual([decisionId]);
    expect(counter.updates).toBe(1);
    expect(f.published).toHaveLength(1);
    expect((await ledgerIds(f)).filter((id) => id.startsWith('decision/'))).toEqual([
      `decision/${decisionId}`,
    ]);
  });

  it('a later event with another id finds the decision instead of deciding again', async () => {
    const f = gateFixture();
    const pkg = await f.register('twice', credit);
    const first = await gateModelPackage(eventFor(f, pkg, 'first'), f.deps);
    const second = await gateModelPackage(eventFor(f, pkg, 're-triggered'), f.deps);

    expect(first.status).toBe('decided');
    expect(second).toEqual({ status: 'duplicate', decision: (first as { decision: Decision }).decision });
    expect((await f.decisions.list()).decisions).toHaveLength(1);
    expect(f.published).toHaveLength(1);
  });
});

describe('the ledger decides what a redelivery completes', () => {
  it('after the read-model write failed, a redelivery serves the ledger decision and never re-evaluates', async () => {
    const f = gateFixture();
    const pkg = await f.register('crash-window', credit);
    const readModel = f.decisions.readModel;
    let failWrite = true;
    const flakyReadModel: DecisionStore = {
      record: (decision) => {
        if (failWrite) {
          failWrite = false;
          return Promise.reject(new Error('ProvisionedThroughputExceededException'));
        }
        return readModel.record(decision);
      },
      get: (id) => readModel.get(id),
      list: (options) => readModel.list(options),
      recordRejection: (rejection) => readModel.recordRejection(rejection),
      listRejections: (options) => readModel.listRejections(options),
    };
    const decisions = new LedgerDecisionStore(f.decisions.ledger, flakyReadModel);
    const event = eventFor(f, pkg, 'evt-1');

    await expect(gateModelPackage(event, { ...f.deps, decisions })).rejects.toThrow(
      'ProvisionedThroughputExceededException',
    );
    expect(await readModel.get(modelPackageDecisionId(pkg.arn))).toBeUndefined();
    let evaluations = 0;
    const retried = await gateModelPackage(event, {
      ...f.deps,
      decisions,
      now: () => new Date(FIXED_NOW.getTime() + 60_000),
      policyEngine: () => {
        evaluations += 1;
        return Promise.reject(new Error('a second evaluation would deny'));
      },
    });

    expect(evaluations).toBe(0);
    const recorded = await (await f.ledger()).findDecision(modelPackageDecisionId(pkg.arn));
    expect(recorded).toMatchObject({ decision: 'allow', evaluatedAt: FIXED_NOW.toISOString() });
    expect(retried).toEqual({ status: 'decided', decision: recorded, approvalStatus: 'Approved' });
    expect(await readModel.get(modelPackageDecisionId(pkg.arn))).toEqual(recorded);
    expect((await f.registry.describeModelPackage(pkg.arn))?.approvalStatus).toBe('Approved');
    expect(f.published.map((e) => e.detail)).toEqual([recorded]);
  });

  it('an evaluation that loses the race stores and applies the winner, not its own', async () => {
    const f = gateFixture();
    const pkg = await f.register('race', credit);
    const winner = await gateModelPackage(eventFor(f, pkg, 'winner'), f.deps);
    if (winner.status !== 'decided') throw new Error('expected the first event to decide');
    const other: Decision = {
      ...winner.decision,
      decision: 'deny',
      trigger: { ...winner.decision.trigger, eventId: 'loser' },
    };

    const { stored, created } = await f.decisions.record(other);

    expect(created).toBe(false);
    expect(stored).toEqual(winner.decision);
  });
});

describe('status and event are done once, through the ledger as outbox', () => {
  it('a crash after UpdateModelPackage and before PutEvents still publishes on redelivery, once', async () => {
    const f = gateFixture();
    const pkg = await f.register('outbox', credit);
    const { registry, counter } = countingRegistry(f);
    const event = eventFor(f, pkg, 'evt-outbox');
    const down = {
      publish: () =>
        Promise.reject(new Error('EventBridge rejected "Verdict Decision": ThrottlingException')),
    };

    await expect(gateModelPackage(event, { ...f.deps, registry, events: down })).rejects.toThrow(
      'ThrottlingException',
    );
    expect((await f.registry.describeModelPackage(pkg.arn))?.approvalStatus).toBe('Approved');
    const retried = await gateModelPackage(event, { ...f.deps, registry });
    const again = await gateModelPackage(event, { ...f.deps, registry });

    expect(retried).toMatchObject({ status: 'decided', approvalStatus: 'Approved' });
    expect(again.status).toBe('duplicate');
    expect(counter.updates).toBe(1);
    expect(f.published).toHaveLength(1);
    const id = modelPackageDecisionId(pkg.arn);
    expect(await ledgerIds(f)).toEqual([
      `decision/${id}`,
      `action/sagemaker:UpdateModelPackage/${id}/succeeded`,
      `action/events:PutEvents/${id}/failed`,
      `action/events:PutEvents/${id}/succeeded`,
    ]);
  });

  it('an UpdateModelPackage whose answer was lost is recorded as found applied, not repeated', async () => {
    const f = gateFixture();
    const pkg = await f.register('lost-answer', credit);
    const { registry, counter } = countingRegistry(f);
    counter.failAfterApplying = true;
    const event = eventFor(f, pkg, 'evt-lost');

    await expect(gateModelPackage(event, { ...f.deps, registry })).rejects.toThrow('socket hang up');
    const retried: GateOutcome = await gateModelPackage(event, { ...f.deps, registry });

    expect(retried).toMatchObject({ status: 'decided', approvalStatus: 'Approved' });
    expect(counter.updates).toBe(1);
    expect(f.published).toHaveLength(1);
    const ledger = await f.ledger();
    const id = modelPackageDecisionId(pkg.arn);
    const applied = await ledger.findById(`action/sagemaker:UpdateModelPackage/${id}/succeeded`);
    expect(applied?.entry).toMatchObject({ action: { detail: 'Approved (found applied)' } });
  });

  it('another event completes an unfinished decision only once the lease is over', async () => {
    const f = gateFixture();
    const pkg = await f.register('lease', credit);
    const down = { publish: () => Promise.reject(new Error('EventBridge unavailable')) };
    await expect(gateModelPackage(eventFor(f, pkg, 'owner'), { ...f.deps, events: down })).rejects.toThrow(
      'EventBridge unavailable',
    );
    const lease = 60_000;
    const at = (ms: number) => ({
      ...f.deps,
      completionLeaseMs: lease,
      now: () => new Date(FIXED_NOW.getTime() + ms),
    });

    const early = await gateModelPackage(eventFor(f, pkg, 'other-1'), at(lease - 1));
    expect(early.status).toBe('duplicate');
    expect(f.published).toHaveLength(0);

    const late = await gateModelPackage(eventFor(f, pkg, 'other-2'), at(lease));
    expect(late).toMatchObject({ status: 'decided', approvalStatus: 'Approved' });
    expect(f.published).toHaveLength(1);
  });
});
