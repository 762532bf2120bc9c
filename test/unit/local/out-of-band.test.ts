/**
 * Out-of-band changes on the local backbone: a person changes an embedded endpoint behind the orchestration's
 * back, CloudTrail's record of the call reaches the orchestrator through the route table, and the endpoint is
 * re-gated and remediated per mode, with one ledger action per CloudTrail event.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LOCAL_OPERATOR_ROLE_ARN } from '../../../functions/adapters/local/embedded-sagemaker-endpoints.ts';
import { CLOUDTRAIL_API_CALL } from '../../../functions/contracts/cloudtrail-sagemaker-call.ts';
import {
  OUT_OF_BAND_DEPLOYMENT,
  type OutOfBandMode,
} from '../../../functions/contracts/deployment-events.ts';
import { deploymentRequestSchema } from '../../../functions/contracts/deployment-request.ts';
import { DeploymentError } from '../../../functions/deployments/errors.ts';
import { outOfBandActionId } from '../../../functions/deployments/out-of-band.ts';
import { PROFILE_METADATA_KEY } from '../../../functions/gates/model-registry/governance-inputs.ts';
import { outOfBandDecisionId } from '../../../functions/gates/out-of-band/out-of-band-gate.ts';
import { GATE_ENTRYPOINTS } from '../../../functions/gates/policy/entrypoints.ts';
import type { PolicyEngine } from '../../../functions/gates/policy/policy-engine.ts';
import {
  changeEndpointOutOfBand,
  requestLocalDeployment,
} from '../../../functions/local/local-deployments.ts';
import { type LocalRuntime, openLocalRuntime } from '../../../functions/local/runtime.ts';
import type { PublishedEvent } from '../../../functions/ports/event-publisher.ts';
import { removeTempDirs, tempDir } from '../../support/ledger-fixture.ts';
import { putSampleOversight } from '../../support/sample-oversight.ts';

const SAMPLES = join(import.meta.dirname, '../../../functions/local/demo/samples');
const BUCKET = 's3://verdict-models';
const IMAGE = `111122223333.dkr.ecr.eu-west-1.amazonaws.com/scorer@sha256:${'a'.repeat(64)}`;
const ENDPOINT = 'credit-scorer-prod';
const FOREIGN = 'arn:aws:sagemaker:local-1:000000000000:model-package/credit-scorer/99';

const runtimes: LocalRuntime[] = [];
afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.close();
  removeTempDirs();
});

function open(outOfBandMode?: OutOfBandMode): LocalRuntime {
  const runtime = openLocalRuntime({
    database: ':memory:',
    objectsDir: tempDir('verdict-objects-'),
    ...(outOfBandMode && { outOfBandMode }),
  });
  runtimes.push(runtime);
  return runtime;
}

/** A credit-scorer version gated (allowed) on its event, promoted on ENDPOINT by a canary without a bake. */
async function promoted(runtime: LocalRuntime) {
  const profile = `${BUCKET}/credit-scorer/profile.json`;
  const report = `${BUCKET}/credit-scorer/clarify/analysis.json`;
  const model = `${BUCKET}/credit-scorer/weights.json`;
  await runtime.objects.put(profile, readFileSync(join(SAMPLES, 'credit-scorer.profile.json')));
  await runtime.objects.put(report, readFileSync(join(SAMPLES, 'credit-scorer.analysis.json')));
  await runtime.objects.put(model, 'weights');
  await putSampleOversight(runtime.objects);
  await runtime.registry.createModelPackageGroup('credit-scorer');
  const pkg = await runtime.registry.createModelPackage({
    groupName: 'credit-scorer',
    customerMetadata: { [PROFILE_METADATA_KEY]: profile },
    biasReports: { postTraining: report },
    containers: [{ image: IMAGE, modelDataUrl: model }],
  });
  await runtime.bus.dispatch(runtime.registry.toStateChangeEvent(pkg));
  const request = JSON.parse(readFileSync(join(SAMPLES, 'credit-scorer.deployment.json'), 'utf8'));
  const deployment = await requestLocalDeployment(
    runtime,
    'key-1',
    deploymentRequestSchema.parse({
      ...request,
      modelPackageArn: pkg.arn,
      strategy: { ...request.strategy, bakeSeconds: 0 },
    }),
  );
  expect(deployment.status).toBe('promoted');
  expect(runtime.endpoints.list()).toEqual([{ name: ENDPOINT, status: 'InService', serving: pkg.arn }]);
  return { arn: pkg.arn, deploymentId: deployment.id };
}

function published(runtime: LocalRuntime) {
  const events: PublishedEvent[] = [];
  const publish = runtime.bus.publish.bind(runtime.bus);
  vi.spyOn(runtime.bus, 'publish').mockImplementation(async (event) => {
    events.push(event);
    return publish(event);
  });
  return () => events.filter((event) => event.detailType === OUT_OF_BAND_DEPLOYMENT);
}

/** Delivers one event from the embedded endpoints' outbox (a CloudTrail record) as EventBridge would. */
async function deliver(runtime: LocalRuntime, event: PublishedEvent) {
  const { deliveries } = await runtime.bus.accept({
    Entries: [{ Source: event.source, DetailType: event.detailType, Detail: JSON.stringify(event.detail) }],
  });
  return deliveries.find((d) => d.target === 'deployment-orchestrator');
}

describe('out-of-band changes to an endpoint', () => {
  it('alert: records and publishes, and leaves the endpoint as the person left it', async () => {
    const runtime = open();
    await promoted(runtime);
    const alerts = published(runtime);

    const { outcomes } = await changeEndpointOutOfBand(runtime, {
      endpointName: ENDPOINT,
      modelPackageArn: FOREIGN,
    });

    expect(outcomes.map((o) => o.step === 'out-of-band' && o.finding)).toEqual(['config-only', 'remediated']);
    expect(runtime.endpoints.list()).toEqual([{ name: ENDPOINT, status: 'InService', serving: FOREIGN }]);
    expect(alerts()).toHaveLength(1);
    const detail = alerts()[0]?.detail as Record<string, unknown>;
    expect(detail).toMatchObject({
      call: 'UpdateEndpoint',
      caller: LOCAL_OPERATOR_ROLE_ARN,
      target: `sagemaker:${ENDPOINT}`,
      mode: 'alert',
      remediation: 'alerted (mode alert)',
      serving: [FOREIGN],
    });
    const action = await runtime.audit.findAction(detail.actionId as string);
    expect(action).toMatchObject({ kind: 'deployment.out-of-band', outcome: 'succeeded' });
    expect(action?.detail).toContain(`serves ${FOREIGN}, which no live deployment put there`);
  });

  it('restore: puts the promoted deployment back', async () => {
    const runtime = open('restore');
    const { arn, deploymentId } = await promoted(runtime);

    const { outcomes } = await changeEndpointOutOfBand(runtime, {
      endpointName: ENDPOINT,
      modelPackageArn: FOREIGN,
    });

    expect(outcomes.at(-1)).toMatchObject({
      step: 'out-of-band',
      finding: 'remediated',
      detail: expect.stringContaining(`restored deployment ${deploymentId} (InService)`),
    });
    expect(runtime.endpoints.list()).toEqual([{ name: ENDPOINT, status: 'InService', serving: arn }]);
    expect((await runtime.deployments.get(deploymentId))?.status).toBe('promoted');
  });

  it('restore: recreates a governed endpoint deleted behind its back', async () => {
    const runtime = open('restore');
    const { arn } = await promoted(runtime);

    runtime.endpoints.deleteOutOfBand(ENDPOINT);
    const [call] = runtime.endpoints.takeEvents();
    const delivery = await deliver(runtime, call as PublishedEvent);

    expect(delivery).toMatchObject({ ok: true, result: { finding: 'remediated' } });
    expect(runtime.endpoints.list()).toEqual([{ name: ENDPOINT, status: 'InService', serving: arn }]);
  });

  it('delete: deletes the endpoint', async () => {
    const runtime = open('delete');
    await promoted(runtime);

    const { outcomes } = await changeEndpointOutOfBand(runtime, {
      endpointName: ENDPOINT,
      modelPackageArn: FOREIGN,
    });

    expect(outcomes.at(-1)).toMatchObject({
      finding: 'remediated',
      detail: expect.stringContaining('deleted (Deleting)'),
    });
    expect(runtime.endpoints.list()).toEqual([]);
  });

  it('an endpoint Verdict never deployed to is alerted on, never changed, whatever the mode', async () => {
    const runtime = open('delete');
    const { outcomes } = await changeEndpointOutOfBand(runtime, {
      endpointName: 'scratch',
      modelPackageArn: FOREIGN,
    });

    expect(outcomes.at(-1)).toMatchObject({
      finding: 'remediated',
      detail: expect.stringContaining('alerted: no Verdict deployment runs on scratch'),
    });
    expect(runtime.endpoints.list()).toEqual([{ name: 'scratch', status: 'InService', serving: FOREIGN }]);
  });

  it('records a call after which the endpoint still serves the live deployment, and changes nothing', async () => {
    const runtime = open('delete');
    const { arn, deploymentId } = await promoted(runtime);
    runtime.endpoints.changeOutOfBand({ endpointName: ENDPOINT, modelPackageArn: FOREIGN });
    const calls = runtime.endpoints.takeEvents();
    // Put back by hand before the record arrives: what the endpoint serves decides, not what the call did.
    await runtime.endpoints.restore(ENDPOINT, `${ENDPOINT}/verdict-${deploymentId}`);
    runtime.endpoints.takeEvents();

    const delivery = await deliver(runtime, calls.at(-1) as PublishedEvent);

    expect(delivery).toMatchObject({
      ok: true,
      result: {
        finding: 'governed',
        detail: expect.stringContaining(`endpoint still serves deployment ${deploymentId}`),
      },
    });
    expect(runtime.endpoints.list()).toEqual([{ name: ENDPOINT, status: 'InService', serving: arn }]);
  });

  it("ignores the orchestrator's own calls and failed calls", async () => {
    const runtime = open('delete');
    await promoted(runtime);
    const settings = runtime.deploymentSaga.outOfBand;
    if (!settings) throw new Error('the local runtime detects out-of-band calls');
    runtime.deploymentSaga.outOfBand = { ...settings, orchestratorRoleArn: LOCAL_OPERATOR_ROLE_ARN };

    const { outcomes } = await changeEndpointOutOfBand(runtime, {
      endpointName: ENDPOINT,
      modelPackageArn: FOREIGN,
    });
    expect(outcomes.at(-1)).toEqual({
      step: 'ignored',
      reason: 'UpdateEndpoint was made by the orchestrator',
    });

    runtime.deploymentSaga.outOfBand = settings;
    runtime.endpoints.changeOutOfBand({ endpointName: ENDPOINT, modelPackageArn: FOREIGN });
    const call = runtime.endpoints.takeEvents().at(-1) as PublishedEvent;
    const failed = { ...call, detail: { ...(call.detail as object), errorCode: 'ValidationException' } };
    expect(await deliver(runtime, failed)).toMatchObject({
      result: { step: 'ignored', reason: 'UpdateEndpoint failed (ValidationException)' },
    });
    expect(runtime.endpoints.list()).toHaveLength(1);
  });

  it('a restore the endpoint is too busy for records nothing, so that the retry remediates', async () => {
    const runtime = open('restore');
    const { arn } = await promoted(runtime);
    const settings = runtime.deploymentSaga.outOfBand;
    if (!settings) throw new Error('the local runtime detects out-of-band calls');
    const endpoints = runtime.endpoints;
    runtime.deploymentSaga.outOfBand = {
      ...settings,
      remediation: {
        revisionOf: (name, config) => endpoints.revisionOf(name, config),
        describeServing: (name) => endpoints.describeServing(name),
        remove: (name) => endpoints.remove(name),
        restore: async () => {
          throw new DeploymentError('target-busy', `endpoint ${ENDPOINT} is Updating`);
        },
      },
    };
    runtime.endpoints.changeOutOfBand({ endpointName: ENDPOINT, modelPackageArn: FOREIGN });
    const call = runtime.endpoints.takeEvents().at(-1) as PublishedEvent;

    const busy = await deliver(runtime, call);
    expect(busy).toMatchObject({ ok: false, error: `endpoint ${ENDPOINT} is Updating` });
    const eventId = (call.detail as { eventID: string }).eventID;
    expect(await runtime.audit.hasAction(outOfBandActionId(eventId))).toBe(false);

    // The decision was recorded before the restore failed: the retry acts on it, it decides nothing again.
    expect(await runtime.decisions.get(outOfBandDecisionId(eventId))).toMatchObject({ decision: 'deny' });
    runtime.deploymentSaga.outOfBand = settings;
    expect(await deliver(runtime, call)).toMatchObject({ ok: true, result: { finding: 'remediated' } });
    expect(runtime.endpoints.list()[0]?.serving).toBe(arn);
    const decisions = await runtime.decisions.list({ filter: { gate: 'deployment', decision: 'deny' } });
    expect(decisions.decisions.map((d) => d.id)).toEqual([outOfBandDecisionId(eventId)]);
  });

  it('a redelivered record does nothing again', async () => {
    const runtime = open('restore');
    const { deploymentId } = await promoted(runtime);
    const alerts = published(runtime);
    runtime.endpoints.changeOutOfBand({ endpointName: ENDPOINT, modelPackageArn: FOREIGN });
    const call = runtime.endpoints.takeEvents().at(-1) as PublishedEvent;
    expect(call.detailType).toBe(CLOUDTRAIL_API_CALL);

    await deliver(runtime, call);
    // The person changes it again; the same record delivered again must not count as a new call.
    runtime.endpoints.changeOutOfBand({ endpointName: ENDPOINT, modelPackageArn: FOREIGN });
    runtime.endpoints.takeEvents();
    const again = await deliver(runtime, call);

    expect(again).toMatchObject({ ok: true, result: { finding: 'already-recorded' } });
    expect(runtime.endpoints.list()[0]?.serving).toBe(FOREIGN);
    expect(alerts()).toHaveLength(1);
    const eventId = (call.detail as { eventID: string }).eventID;
    expect(await runtime.audit.findAction(outOfBandActionId(eventId))).toMatchObject({
      detail: expect.stringContaining(`restored deployment ${deploymentId}`),
    });
  });

  it('the deployment gate decides first: a deny that says who changed what, the rule and what restore does', async () => {
    const runtime = open('restore');
    const { deploymentId } = await promoted(runtime);
    const alerts = published(runtime);
    runtime.endpoints.changeOutOfBand({ endpointName: ENDPOINT, modelPackageArn: FOREIGN });
    const call = runtime.endpoints.takeEvents().at(-1) as PublishedEvent;
    const eventId = (call.detail as { eventID: string }).eventID;

    const delivery = await deliver(runtime, call);

    const decisionId = outOfBandDecisionId(eventId);
    expect(delivery).toMatchObject({ ok: true, result: { finding: 'remediated', decisionId } });
    expect(alerts().map((e) => e.detail)).toEqual([expect.objectContaining({ decisionId, mode: 'restore' })]);
    const { decisions } = await runtime.decisions.list({ filter: { gate: 'deployment', decision: 'deny' } });
    expect(decisions).toHaveLength(1);
    const [decision] = decisions;
    expect(decision).toMatchObject({
      id: decisionId,
      gate: 'deployment',
      riskClass: 'high',
      subject: { kind: 'model-package', id: FOREIGN, group: 'credit-scorer', version: '99' },
      trigger: { eventId, source: 'aws.sagemaker', detailType: CLOUDTRAIL_API_CALL },
      policy: { entrypoint: GATE_ENTRYPOINTS.out_of_band },
    });
    expect(decision?.violations).toEqual([
      expect.objectContaining({
        rule: 'deployment.out_of_band',
        severity: 'critical',
        family: 'deployment',
        mode: 'enforce',
        message: `UpdateEndpoint by ${LOCAL_OPERATOR_ROLE_ARN} (CloudTrail event ${eventId}) changed sagemaker:${ENDPOINT} outside Verdict: it now serves ${FOREIGN}, which no live deployment (${deploymentId}) put there. Remediation (mode restore): the endpoint config of deployment ${deploymentId} is restored.`,
        reference: expect.stringContaining('Art. 15(5)'),
      }),
    ]);
    const action = await runtime.audit.findAction(outOfBandActionId(eventId));
    expect(action).toMatchObject({
      decisionId,
      detail: expect.stringContaining(
        `restored deployment ${deploymentId} (InService); denied by decision ${decisionId} (deployment.out_of_band)`,
      ),
    });
    // Ledger first: the decision is an entry before the action it caused.
    const ledger = await runtime.openLedger();
    const ids: string[] = [];
    for (let i = 0; i < (await ledger.size()); i++) ids.push((await ledger.get(i))?.id ?? '');
    expect(ids.filter((id) => id.includes(decisionId) || id.includes(outOfBandActionId(eventId)))).toEqual([
      `decision/${decisionId}`,
      `action/${outOfBandActionId(eventId)}`,
    ]);
  });

  it('a deletion is decided on the version it took out of service', async () => {
    const runtime = open('alert');
    const { arn } = await promoted(runtime);
    runtime.endpoints.deleteOutOfBand(ENDPOINT);
    const [call] = runtime.endpoints.takeEvents();
    const eventId = ((call as PublishedEvent).detail as { eventID: string }).eventID;

    await deliver(runtime, call as PublishedEvent);

    const decision = await runtime.decisions.get(outOfBandDecisionId(eventId));
    expect(decision).toMatchObject({ decision: 'deny', subject: { id: arn, group: 'credit-scorer' } });
    expect(decision?.violations[0]?.message).toContain(
      'outside Verdict: it was deleted, which no live deployment',
    );
    expect(decision?.violations[0]?.message).toContain(
      'Remediation (mode alert): alerted only (Verdict Out-Of-Band Deployment), nothing is changed.',
    );
    expect(runtime.endpoints.list()).toEqual([]);
  });

  it('fails closed: without a policy bundle the change is denied and still remediated', async () => {
    const runtime = open('restore');
    const { arn } = await promoted(runtime);
    runtime.deploymentSaga.policyEngine = async () => {
      throw new Error('bundle missing');
    };
    runtime.endpoints.changeOutOfBand({ endpointName: ENDPOINT, modelPackageArn: FOREIGN });
    const call = runtime.endpoints.takeEvents().at(-1) as PublishedEvent;
    const eventId = (call.detail as { eventID: string }).eventID;

    expect(await deliver(runtime, call)).toMatchObject({ ok: true, result: { finding: 'remediated' } });

    const decision = await runtime.decisions.get(outOfBandDecisionId(eventId));
    expect(decision).toMatchObject({ decision: 'deny', violations: [{ rule: 'gate.policy_unavailable' }] });
    expect(runtime.endpoints.list()[0]?.serving).toBe(arn);
  });

  it('a change the policy allows is recorded with its decision and left alone', async () => {
    const runtime = open('delete');
    await promoted(runtime);
    const alerts = published(runtime);
    const engine = await runtime.deploymentSaga.policyEngine();
    const allowing = {
      bundle: engine.bundle,
      evaluate: (entrypoint: string, input: unknown) =>
        entrypoint === GATE_ENTRYPOINTS.out_of_band
          ? { decision: 'allow', riskClass: 'high', violations: [], obligations: [] }
          : engine.evaluate(entrypoint, input),
    } as unknown as PolicyEngine;
    runtime.deploymentSaga.policyEngine = async () => allowing;
    runtime.endpoints.changeOutOfBand({ endpointName: ENDPOINT, modelPackageArn: FOREIGN });
    const call = runtime.endpoints.takeEvents().at(-1) as PublishedEvent;
    const eventId = (call.detail as { eventID: string }).eventID;

    const delivery = await deliver(runtime, call);

    const decisionId = outOfBandDecisionId(eventId);
    expect(delivery).toMatchObject({ ok: true, result: { finding: 'governed', decisionId } });
    expect(await runtime.audit.findAction(outOfBandActionId(eventId))).toMatchObject({
      outcome: 'skipped',
      decisionId,
    });
    expect(runtime.endpoints.list()[0]?.serving).toBe(FOREIGN);
    expect(alerts()).toEqual([]);
  });
});
