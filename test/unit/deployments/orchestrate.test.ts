/**
 * The orchestrator's routing over the saga fixture: one rollout at a time per target (a request for a busy
 * target waits `requested` and is applied when the rollout in progress ends), every status reached published,
 * and events it has no step for ignored or refused with the exact problems.
 */
import { describe, expect, it } from 'vitest';
import type { DeploymentStatus } from '../../../functions/contracts/deployment-status.ts';
import { DeploymentNotLiveError } from '../../../functions/deployments/errors.ts';
import {
  type DeploymentOrchestratorDeps,
  IN_PROGRESS_STATUSES,
  type OrchestratorEvent,
  orchestrate,
} from '../../../functions/deployments/orchestrate.ts';
import { deploymentIdFor } from '../../../functions/deployments/request-deployment.ts';
import type { TargetEventReader } from '../../../functions/deployments/target-events.ts';
import type { DeploymentStore } from '../../../functions/ports/deployment-store.ts';
import { InvalidInputError } from '../../../functions/shared/validation.ts';
import { ProcessKilled } from '../../support/deployment-faults.ts';
import { sagemakerRequest } from '../../support/deployment-requests.ts';
import { allowedRequest, type SagaFixture, sagaFixture } from '../../support/deployment-saga.ts';
import { RecordingPublisher } from '../../support/revocation-fixture.ts';

const BAKE_MS = 600_000;
const TARGET = 'sagemaker:credit-scorer-prod';

/** A test double of a target's event reader: `fake.target` events name an endpoint and a status. */
const fakeTargetEvents: TargetEventReader = {
  targetOf(event) {
    const { source, detail } = event as { source?: string; detail?: { endpoint?: string } };
    return source === 'fake.target' ? `sagemaker:${detail?.endpoint}` : undefined;
  },
  observation(event, applied) {
    const { detail } = event as { detail: { status: DeploymentStatus; revision?: string } };
    if (detail.revision !== undefined && detail.revision !== applied.revision) return undefined;
    return {
      deploymentId: applied.deploymentId,
      status: detail.status,
      targetStatus: 'InService',
      observedAt: '2026-11-28T10:00:00.000Z',
    };
  },
};

/**
 * The `by-target` index lagging behind the records, as a GSI may: it has not seen any rollout start, so a
 * check of the listings finds every target idle.
 */
function laggingIndex(store: DeploymentStore): DeploymentStore {
  return {
    get: (id) => store.get(id),
    put: (next, expected) => store.put(next, expected),
    claimTarget: (target, id, takeOverFrom) => store.claimTarget(target, id, takeOverFrom),
    targetHolder: (target) => store.targetHolder(target),
    releaseTarget: (target, id) => store.releaseTarget(target, id),
    async list(options) {
      const page = await store.list(options);
      return {
        ...page,
        deployments: page.deployments.filter((d) => !IN_PROGRESS_STATUSES.includes(d.status)),
      };
    },
  };
}

async function fixture(
  options: Parameters<typeof sagaFixture>[0] = {},
): Promise<SagaFixture & { orch: DeploymentOrchestratorDeps; events: RecordingPublisher }> {
  const f = await sagaFixture(options);
  const events = new RecordingPublisher();
  return { ...f, events, orch: { ...f.deps, targetEvents: [fakeTargetEvents], events } };
}

function verdict(detailType: string, detail: unknown): OrchestratorEvent {
  return { source: 'verdict', 'detail-type': detailType, detail };
}

const requested = (requestId: string, request: unknown = allowedRequest) =>
  verdict('Verdict Deployment Requested', { requestId, request });
const bakeEnded = (deploymentId: string) => verdict('Verdict Deployment Bake Ended', { deploymentId });
const rollbackRequested = (deploymentId: string) =>
  verdict('Verdict Deployment Rollback Requested', { deploymentId });
const targetSays = (status: DeploymentStatus, revision?: string): OrchestratorEvent => ({
  source: 'fake.target',
  'detail-type': 'Fake Target State Change',
  detail: { endpoint: 'credit-scorer-prod', status, ...(revision !== undefined && { revision }) },
});

function published(events: RecordingPublisher): [string, string][] {
  return events.events.map((e) => {
    expect(e.source).toBe('verdict');
    expect(e.detailType).toBe('Verdict Deployment Status Change');
    const detail = e.detail as { deploymentId: string; status: string };
    return [detail.deploymentId, detail.status];
  });
}

describe('orchestrate', () => {
  it('applies a request at once when its target is free, and publishes the status it reached', async () => {
    const f = await fixture();
    const id = deploymentIdFor('req-a');
    expect(await orchestrate(requested('req-a'), f.orch)).toEqual({
      step: 'request',
      deployment: { id, status: 'baking' },
    });
    expect(f.events.events).toEqual([
      {
        source: 'verdict',
        detailType: 'Verdict Deployment Status Change',
        detail: {
          deploymentId: id,
          status: 'baking',
          modelPackageArn: allowedRequest.modelPackageArn,
          target: TARGET,
          environment: 'prod',
        },
      },
    ]);
  });

  it('records who asked as the request event carries it, and no one for an event that names no one', async () => {
    const f = await fixture();
    const asker = 'arn:aws:iam::111122223333:role/ml-deployers';
    const event = verdict('Verdict Deployment Requested', {
      requestId: 'req-by',
      request: allowedRequest,
      requestedBy: asker,
    });
    await orchestrate(event, f.orch);
    expect((await f.store.get(deploymentIdFor('req-by')))?.requestedBy).toBe(asker);
    await orchestrate(requested('req-anonymous', { ...allowedRequest, region: 'eu-central-1' }), f.orch);
    expect(await f.store.get(deploymentIdFor('req-anonymous'))).not.toHaveProperty('requestedBy');
  });

  it('keeps a request for a busy target requested, and applies it when the bake of the first ends', async () => {
    const f = await fixture();
    const first = deploymentIdFor('req-a');
    const second = deploymentIdFor('req-b');
    await orchestrate(requested('req-a'), f.orch);
    expect(await orchestrate(requested('req-b'), f.orch)).toEqual({
      step: 'request',
      deployment: { id: second, status: 'requested' },
    });
    expect(f.target.count('apply')).toBe(1);
    expect((await f.store.get(second))?.status).toBe('requested');

    f.clock.advance(BAKE_MS);
    expect(await orchestrate(bakeEnded(first), f.orch)).toEqual({
      step: 'end-bake',
      deployment: { id: first, status: 'promoted' },
    });
    expect((await f.store.get(second))?.status).toBe('baking');
    expect(f.target.calls.filter((c) => c.call === 'apply').map((c) => c.deploymentId)).toEqual([
      first,
      second,
    ]);
    expect(published(f.events)).toEqual([
      [first, 'baking'],
      [second, 'requested'],
      [first, 'promoted'],
      [second, 'baking'],
    ]);
  });

  it('starts exactly one of two requests racing for one target, and the other once the first ends', async () => {
    const f = await fixture({ store: laggingIndex });
    const raced = await Promise.all([
      orchestrate(requested('req-a'), f.orch),
      orchestrate(requested('req-b'), f.orch),
    ]);
    const statuses = raced.map((outcome) => (outcome.step === 'request' ? outcome.deployment.status : ''));
    expect([...statuses].sort()).toEqual(['baking', 'requested']);
    const [first, second] = (statuses[0] === 'baking' ? ['req-a', 'req-b'] : ['req-b', 'req-a']).map(
      deploymentIdFor,
    ) as [string, string];
    expect(f.target.count('apply')).toBe(1);
    expect(await f.store.targetHolder(TARGET)).toBe(first);
    expect((await f.store.get(second))?.status).toBe('requested');

    f.clock.advance(BAKE_MS);
    await orchestrate(bakeEnded(first), f.orch);
    expect((await f.store.get(first))?.status).toBe('promoted');
    expect((await f.store.get(second))?.status).toBe('baking');
    expect(await f.store.targetHolder(TARGET)).toBe(second);
    expect(f.target.calls.filter((c) => c.call === 'apply').map((c) => c.deploymentId)).toEqual([
      first,
      second,
    ]);

    f.clock.advance(BAKE_MS);
    await orchestrate(bakeEnded(second), f.orch);
    expect(await f.store.targetHolder(TARGET)).toBeUndefined();
  });

  it('takes over the claim of a deployment that ended before it could free its target', async () => {
    const f = await fixture();
    const first = deploymentIdFor('req-a');
    const second = deploymentIdFor('req-b');
    await orchestrate(requested('req-a'), f.orch);
    await orchestrate(requested('req-b'), f.orch);
    f.crashes.crashOn('store.releaseTarget');
    f.clock.advance(BAKE_MS);
    await expect(orchestrate(bakeEnded(first), f.orch)).rejects.toBeInstanceOf(ProcessKilled);
    expect((await f.store.get(first))?.status).toBe('promoted');
    expect(await f.store.targetHolder(TARGET)).toBe(first);
    expect((await f.store.get(second))?.status).toBe('requested');

    // The queue delivers the waiting request again: the claim's holder has ended, so it is taken over.
    expect(await orchestrate(requested('req-b'), f.orch)).toEqual({
      step: 'request',
      deployment: { id: second, status: 'baking' },
    });
    expect(await f.store.targetHolder(TARGET)).toBe(second);
    expect(f.target.count('apply')).toBe(2);
  });

  it('keeps a target whose rollout under way holds no claim (started before claims existed)', async () => {
    const f = await fixture();
    const first = deploymentIdFor('req-a');
    const second = deploymentIdFor('req-b');
    await orchestrate(requested('req-a'), f.orch);
    await f.store.releaseTarget(TARGET, first);
    expect(await orchestrate(requested('req-b'), f.orch)).toEqual({
      step: 'request',
      deployment: { id: second, status: 'requested' },
    });
    expect(await f.store.targetHolder(TARGET)).toBeUndefined();
    f.clock.advance(BAKE_MS);
    await orchestrate(bakeEnded(first), f.orch);
    expect((await f.store.get(second))?.status).toBe('baking');
    expect(await f.store.targetHolder(TARGET)).toBe(second);
  });

  it('keeps the claim of a rollout still under way: a later request waits', async () => {
    const f = await fixture();
    const first = deploymentIdFor('req-a');
    await orchestrate(requested('req-a'), f.orch);
    await orchestrate(requested('req-b'), f.orch);
    expect(await orchestrate(requested('req-b'), f.orch)).toEqual({
      step: 'request',
      deployment: { id: deploymentIdFor('req-b'), status: 'requested' },
    });
    expect(await f.store.targetHolder(TARGET)).toBe(first);
    expect(f.target.count('apply')).toBe(1);
  });

  it('marks the deployment promoted before on the target replaced when the next one is promoted', async () => {
    const f = await fixture();
    const first = deploymentIdFor('req-a');
    const second = deploymentIdFor('req-b');
    await orchestrate(requested('req-a'), f.orch);
    f.clock.advance(BAKE_MS);
    await orchestrate(bakeEnded(first), f.orch);
    await orchestrate(requested('req-b'), f.orch);
    // While the second bakes, the first still serves the rest of the traffic: promoted.
    expect((await f.store.get(first))?.status).toBe('promoted');
    f.clock.advance(BAKE_MS);
    await orchestrate(bakeEnded(second), f.orch);

    const replaced = await f.store.get(first);
    expect(replaced?.status).toBe('replaced');
    expect(replaced?.history.at(-1)).toMatchObject({
      step: 'replaced',
      status: 'replaced',
      actionId: `deployment/${first}/replaced`,
      detail: `replaced on ${TARGET} by ${second}`,
    });
    expect(await f.entries(first)).toContain(`action/deployment/${first}/replaced`);
    expect(published(f.events).slice(-2)).toEqual([
      [second, 'promoted'],
      [first, 'replaced'],
    ]);
    const listed = await f.store.list({ filter: { target: TARGET, statuses: ['promoted'] } });
    expect(listed.deployments.map((d) => d.id)).toEqual([second]);

    // A redelivered bake end replaces nothing again; a replaced deployment does not roll back.
    await orchestrate(bakeEnded(second), f.orch);
    expect(published(f.events)).toHaveLength(5);
    await expect(orchestrate(rollbackRequested(first), f.orch)).rejects.toBeInstanceOf(
      DeploymentNotLiveError,
    );
    expect(f.target.count('rollback')).toBe(0);
  });

  it('applies a waiting request when the target’s own event ends the rollout in progress', async () => {
    const f = await fixture();
    const first = deploymentIdFor('req-a');
    const second = deploymentIdFor('req-b');
    await orchestrate(requested('req-a'), f.orch);
    await orchestrate(requested('req-b'), f.orch);
    expect(await orchestrate(targetSays('rolled-back'), f.orch)).toEqual({
      step: 'observation',
      deployment: { id: first, status: 'rolled-back' },
    });
    expect((await f.store.get(second))?.status).toBe('baking');
    expect(published(f.events).slice(-2)).toEqual([
      [first, 'rolled-back'],
      [second, 'baking'],
    ]);
  });

  it('applies the oldest of several waiting requests first, one at a time', async () => {
    const f = await fixture();
    const [a, b, c] = ['req-a', 'req-b', 'req-c'].map(deploymentIdFor) as [string, string, string];
    for (const requestId of ['req-a', 'req-b', 'req-c']) {
      await orchestrate(requested(requestId), f.orch);
      f.clock.advance(1_000);
    }
    expect(await orchestrate(rollbackRequested(a), f.orch)).toEqual({
      step: 'rollback',
      deployment: { id: a, status: 'rolled-back' },
    });
    expect((await f.store.get(b))?.status).toBe('baking');
    expect((await f.store.get(c))?.status).toBe('requested');
    expect(f.target.calls.filter((call) => call.call === 'apply').map((call) => call.deploymentId)).toEqual([
      a,
      b,
    ]);
  });

  it('ignores an endpoint event for a target with nothing in progress', async () => {
    const f = await fixture();
    expect(await orchestrate(targetSays('promoted'), f.orch)).toEqual({
      step: 'ignored',
      reason: `no rollout in progress on ${TARGET}`,
    });
    expect(f.events.events).toEqual([]);
  });

  it('ignores a target event about another rollout than the one in progress', async () => {
    const f = await fixture();
    const id = deploymentIdFor('req-a');
    await orchestrate(requested('req-a'), f.orch);
    expect(await orchestrate(targetSays('promoted', 'rev-other'), f.orch)).toEqual({
      step: 'ignored',
      reason: `not about ${id}'s rollout on ${TARGET}`,
    });
    expect((await f.store.get(id))?.status).toBe('baking');
  });

  it('ignores an event it has no step for', async () => {
    const f = await fixture();
    const unknown = verdict('Verdict Something Else', { deploymentId: 'x' });
    expect(await orchestrate(unknown, f.orch)).toEqual({
      step: 'ignored',
      reason: 'no step reads verdict Verdict Something Else',
    });
    const foreign = { source: 'aws.s3', 'detail-type': 'Object Created', detail: {} };
    expect(await orchestrate(foreign, f.orch)).toEqual({
      step: 'ignored',
      reason: 'no step reads aws.s3 Object Created',
    });
    expect(f.events.events).toEqual([]);
    expect(f.target.calls).toEqual([]);
  });

  it.each<[string, OrchestratorEvent, string[]]>([
    [
      'a detail that is not an object',
      verdict('Verdict Deployment Bake Ended', 'dep-1'),
      ['detail: expected an object'],
    ],
    ['a null detail', verdict('Verdict Deployment Requested', null), ['detail: expected an object']],
    [
      'a bake end without a deployment id',
      verdict('Verdict Deployment Bake Ended', {}),
      ['deploymentId: Invalid input: expected string, received undefined'],
    ],
    [
      'a deployment id with a path in it',
      verdict('Verdict Deployment Rollback Requested', { deploymentId: '../x y' }),
      ['deploymentId: letters, digits and . _ : / - only'],
    ],
  ])('refuses %s with the exact problems, and does nothing', async (_case, event, problems) => {
    const f = await fixture();
    const error = await orchestrate(event, f.orch).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InvalidInputError);
    expect(error).toMatchObject({ code: 'event.invalid', problems });
    expect(f.events.events).toEqual([]);
    expect(f.target.calls).toEqual([]);
    expect(await f.ledger.size()).toBe(1);
  });

  it('publishes a refused request, and applies nothing', async () => {
    const f = await fixture();
    const id = deploymentIdFor('req-deny');
    expect(await orchestrate(requested('req-deny', sagemakerRequest), f.orch)).toEqual({
      step: 'request',
      deployment: { id, status: 'refused' },
    });
    expect(published(f.events)).toEqual([[id, 'refused']]);
    expect(f.target.calls).toEqual([]);
  });

  it('publishes nothing again for a redelivered request', async () => {
    const f = await fixture();
    await orchestrate(requested('req-a'), f.orch);
    const before = f.events.events.length;
    expect(await orchestrate(requested('req-a'), f.orch)).toMatchObject({ deployment: { status: 'baking' } });
    expect(f.events.events).toHaveLength(before);
    expect(f.target.count('apply')).toBe(1);
  });

  it('publishes the revoked deployments of a revoked decision', async () => {
    const f = await fixture();
    const id = deploymentIdFor('req-a');
    await orchestrate(requested('req-a'), f.orch);
    const outcome = await orchestrate(
      verdict('Verdict Decision Revoked', {
        decisionId: 'dec-credit-scorer-3',
        revokedAt: '2026-11-28T10:05:00.000Z',
        reason: 'withdrawn',
      }),
      f.orch,
    );
    expect(outcome).toEqual({ step: 'revoke', revoked: [id] });
    expect(published(f.events)).toEqual([
      [id, 'baking'],
      [id, 'revoked'],
    ]);
  });
});
