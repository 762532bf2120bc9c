/**
 * Deployments on the local backbone, end to end through the bus, the orchestrator, the embedded endpoints
 * and the ledger: revoking the approval of a version that a later deployment replaced on its endpoint
 * records it revoked and leaves the endpoint serving the later version; an alarm raised as CloudWatch would
 * raise it re-gates the deployment naming it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { deploymentRequestSchema } from '../../../functions/contracts/deployment-request.ts';
import { PROFILE_METADATA_KEY } from '../../../functions/gates/model-registry/governance-inputs.ts';
import {
  raiseLocalAlarm,
  requestLocalDeployment,
  revokeLocalDecision,
  rollbackLocalDeployment,
  waitForDeployment,
} from '../../../functions/local/local-deployments.ts';
import { type LocalRuntime, openLocalRuntime } from '../../../functions/local/runtime.ts';
import { removeTempDirs, tempDir } from '../../support/ledger-fixture.ts';
import { putSampleOversight } from '../../support/sample-oversight.ts';

const SAMPLES = join(import.meta.dirname, '../../../functions/local/demo/samples');
const BUCKET = 's3://verdict-models';
const IMAGE = `111122223333.dkr.ecr.eu-west-1.amazonaws.com/scorer@sha256:${'a'.repeat(64)}`;

const runtimes: LocalRuntime[] = [];
afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.close();
  removeTempDirs();
});

function open(): LocalRuntime {
  const runtime = openLocalRuntime({ database: ':memory:', objectsDir: tempDir('verdict-objects-') });
  runtimes.push(runtime);
  return runtime;
}

/** A credit-scorer version with its own weights, gated (allowed) on its event. */
async function approvedVersion(runtime: LocalRuntime, weights: string) {
  const profile = `${BUCKET}/credit-scorer/profile.json`;
  const report = `${BUCKET}/credit-scorer/clarify/analysis.json`;
  const model = `${BUCKET}/credit-scorer/${weights}.json`;
  await runtime.objects.put(profile, readFileSync(join(SAMPLES, 'credit-scorer.profile.json')));
  await runtime.objects.put(report, readFileSync(join(SAMPLES, 'credit-scorer.analysis.json')));
  await runtime.objects.put(model, weights);
  await putSampleOversight(runtime.objects);
  if ((await runtime.registry.listModelPackages({ groupName: 'credit-scorer' })).length === 0) {
    await runtime.registry.createModelPackageGroup('credit-scorer');
  }
  const pkg = await runtime.registry.createModelPackage({
    groupName: 'credit-scorer',
    customerMetadata: { [PROFILE_METADATA_KEY]: profile },
    biasReports: { postTraining: report },
    containers: [{ image: IMAGE, modelDataUrl: model }],
  });
  await runtime.bus.dispatch(runtime.registry.toStateChangeEvent(pkg));
  const { decisions } = await runtime.decisions.list({ filter: { gate: 'model-registry' }, limit: 100 });
  const decision = decisions.find((d) => d.subject.id === pkg.arn);
  expect(decision?.decision).toBe('allow');
  return { arn: pkg.arn, decisionId: decision?.id ?? '' };
}

/** A canary without a bake: promoted as soon as its (immediate) bake end fires. */
function unbaked(arn: string) {
  const request = JSON.parse(readFileSync(join(SAMPLES, 'credit-scorer.deployment.json'), 'utf8'));
  return deploymentRequestSchema.parse({
    ...request,
    modelPackageArn: arn,
    strategy: { ...request.strategy, bakeSeconds: 0 },
  });
}

describe('local deployments', () => {
  it('revokes a replaced deployment without touching the version that replaced it', async () => {
    const runtime = open();
    const v1 = await approvedVersion(runtime, 'weights-1');
    const v2 = await approvedVersion(runtime, 'weights-2');
    const first = await requestLocalDeployment(runtime, 'key-1', unbaked(v1.arn));
    expect(first.status).toBe('promoted');
    const second = await requestLocalDeployment(runtime, 'key-2', unbaked(v2.arn));
    expect((await waitForDeployment(runtime, second.id)).status).toBe('promoted');

    await revokeLocalDecision(runtime, v1.decisionId, 'trained on withdrawn data');

    const revoked = await runtime.deployments.get(first.id);
    expect(revoked?.status).toBe('revoked');
    expect(revoked?.history.at(-1)?.detail).toMatch(
      new RegExp(
        `^decision ${v1.decisionId} was revoked; no longer served: endpoint credit-scorer-prod does not serve `,
      ),
    );
    expect((await runtime.deployments.get(second.id))?.status).toBe('promoted');
    expect(runtime.endpoints.list()).toEqual([
      { name: 'credit-scorer-prod', status: 'InService', serving: v2.arn },
    ]);
  });

  it('revokes the approval of a promoted high-risk deployment on its bias-drift alarm, through the bus', async () => {
    const runtime = open();
    const v1 = await approvedVersion(runtime, 'weights-1');
    const request = unbaked(v1.arn);
    const watched = { ...request, strategy: { ...request.strategy, alarms: ['credit-scorer-bias-drift'] } };
    const deployment = await requestLocalDeployment(runtime, 'key-1', watched);
    expect(deployment.status).toBe('promoted');

    expect(await raiseLocalAlarm(runtime, 'credit-scorer-5xx', 'not named')).toEqual([]);
    const [outcome, ...others] = await raiseLocalAlarm(runtime, 'credit-scorer-bias-drift', 'DI below 0.8');

    expect(others).toEqual([]);
    expect(outcome).toMatchObject({ id: deployment.id, action: 'revoke', status: 'revoked' });
    expect((await runtime.registry.describeModelPackage(v1.arn))?.approvalStatus).toBe('Rejected');
    expect((await runtime.decisions.get(outcome?.decisionId ?? ''))?.trigger.source).toBe('aws.cloudwatch');
    expect(runtime.endpoints.list()).toEqual([]);
  });

  it('rolls back on an error-rate alarm only the deployment that serves, never one it replaced', async () => {
    const runtime = open();
    const v1 = await approvedVersion(runtime, 'weights-1');
    const v2 = await approvedVersion(runtime, 'weights-2');
    const first = await requestLocalDeployment(runtime, 'key-1', unbaked(v1.arn));
    const second = await requestLocalDeployment(runtime, 'key-2', unbaked(v2.arn));
    expect((await waitForDeployment(runtime, second.id)).status).toBe('promoted');

    // Both name the alarm; only the second serves the endpoint.
    const outcomes = await raiseLocalAlarm(runtime, 'credit-scorer-5xx', '5xx above 1 %');
    expect(outcomes.map((o) => [o.id, o.action, o.status])).toEqual([[second.id, 'rollback', 'rolled-back']]);
    expect((await runtime.deployments.get(first.id))?.status).toBe('replaced');
    expect(runtime.endpoints.list()).toEqual([
      { name: 'credit-scorer-prod', status: 'InService', serving: v1.arn },
    ]);

    // The first serves again, replaced or not: the alarm's next firing re-gates it.
    const again = await raiseLocalAlarm(runtime, 'credit-scorer-5xx', '5xx above 1 % again');
    expect(again.map((o) => [o.id, o.action, o.status])).toEqual([[first.id, 'rollback', 'rolled-back']]);
    // Gated as the promoted deployment it serves as, not failed closed on its status.
    expect(again[0]?.reasons).toEqual([
      expect.stringMatching(
        new RegExp(
          `^monitoring\\.service_degraded: Alarm credit-scorer-5xx \\(error_rate\\) fired on promoted deployment ${first.id}\\.`,
        ),
      ),
    ]);
  });

  it('refuses to roll back a deployment a later one replaced on its endpoint', async () => {
    const runtime = open();
    const v1 = await approvedVersion(runtime, 'weights-1');
    const v2 = await approvedVersion(runtime, 'weights-2');
    const first = await requestLocalDeployment(runtime, 'key-1', unbaked(v1.arn));
    const second = await requestLocalDeployment(runtime, 'key-2', unbaked(v2.arn));
    expect((await waitForDeployment(runtime, second.id)).status).toBe('promoted');

    await expect(rollbackLocalDeployment(runtime, first.id)).rejects.toThrow(
      `deployment ${first.id} is replaced by ${second.id}: there is nothing to roll back`,
    );
    expect((await runtime.deployments.get(first.id))?.history.map((h) => h.step)).not.toContain('rollback');
    expect(runtime.endpoints.list()).toEqual([
      { name: 'credit-scorer-prod', status: 'InService', serving: v2.arn },
    ]);
  });

  it('starts the request queued behind a deployment once that deployment is revoked', async () => {
    const runtime = open();
    const v1 = await approvedVersion(runtime, 'weights-1');
    const v2 = await approvedVersion(runtime, 'weights-2');
    const v3 = await approvedVersion(runtime, 'weights-3');
    await requestLocalDeployment(runtime, 'key-1', unbaked(v1.arn));
    const baked = (arn: string) => {
      const request = unbaked(arn);
      return { ...request, strategy: { ...request.strategy, bakeSeconds: 3600 } };
    };
    const baking = await requestLocalDeployment(runtime, 'key-2', baked(v2.arn));
    expect(baking.status).toBe('baking');
    const queued = await requestLocalDeployment(runtime, 'key-3', unbaked(v3.arn));
    expect(queued.status).toBe('requested');

    await revokeLocalDecision(runtime, v2.decisionId, 'withdrawn');

    expect((await runtime.deployments.get(baking.id))?.status).toBe('revoked');
    expect((await runtime.deployments.get(queued.id))?.status).not.toBe('requested');
  });

  it('applies nothing when a queued request’s artifact changed while it waited for its target', async () => {
    const runtime = open();
    const v1 = await approvedVersion(runtime, 'weights-1');
    const v2 = await approvedVersion(runtime, 'weights-2');
    const v3 = await approvedVersion(runtime, 'weights-3');
    await requestLocalDeployment(runtime, 'key-1', unbaked(v1.arn));
    const request = unbaked(v2.arn);
    const baking = await requestLocalDeployment(runtime, 'key-2', {
      ...request,
      strategy: { ...request.strategy, bakeSeconds: 3600 },
    });
    const queued = await requestLocalDeployment(runtime, 'key-3', unbaked(v3.arn));
    expect(queued.status).toBe('requested');
    await runtime.objects.put(`${BUCKET}/credit-scorer/weights-3.json`, 'weights-3, retrained in place');

    await rollbackLocalDeployment(runtime, baking.id);

    const after = await runtime.deployments.get(queued.id);
    expect(after?.status).toBe('failed');
    expect(after?.plan).toBeNull();
    expect(after?.history.at(-1)?.detail).toMatch(
      /^nothing applied: the model artifact is sha256:[0-9a-f]{64} now; sha256:[0-9a-f]{64} was allowed$/,
    );
    expect(runtime.endpoints.list()).toEqual([
      { name: 'credit-scorer-prod', status: 'InService', serving: v1.arn },
    ]);
  });
});
