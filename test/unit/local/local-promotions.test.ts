/**
 * Promotion rules on the local backbone, through the bus as in AWS: registering a version the gate allows
 * in a group a rule names deploys it to the rule's embedded SageMaker endpoint (gated by the deployment
 * gate, recorded in the ledger); a rejected version, or one of a group no rule names, deploys nothing. The
 * rules come from `<data dir>/promotions.json`; a bad file is refused with each problem named.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PromotionRule } from '../../../functions/contracts/promotion-rule.ts';
import { promotionActionId, promotionRequestId } from '../../../functions/deployments/promote-version.ts';
import { deploymentIdFor } from '../../../functions/deployments/request-deployment.ts';
import { PROFILE_METADATA_KEY } from '../../../functions/gates/model-registry/governance-inputs.ts';
import { waitForDeployment } from '../../../functions/local/local-deployments.ts';
import { PROMOTIONS_FILE, readLocalPromotions } from '../../../functions/local/local-promotions.ts';
import { type LocalRuntime, openLocalRuntime, openLocalRuntimeAt } from '../../../functions/local/runtime.ts';
import { InvalidInputError } from '../../../functions/shared/validation.ts';
import { removeTempDirs, tempDir } from '../../support/ledger-fixture.ts';
import { putSampleOversight } from '../../support/sample-oversight.ts';

const SAMPLES = join(import.meta.dirname, '../../../functions/local/demo/samples');
const BUCKET = 's3://verdict-models';
const IMAGE = `111122223333.dkr.ecr.eu-west-1.amazonaws.com/scorer@sha256:${'a'.repeat(64)}`;

/** The demo's deployment of the credit scorer, as a rule: every allowed credit-* version, without a bake. */
function creditScorerRule(): PromotionRule {
  const { target: _target, ...template } = JSON.parse(
    readFileSync(join(SAMPLES, 'credit-scorer.deployment.json'), 'utf8'),
  );
  return {
    name: 'credit-scorer-prod',
    modelPackageGroup: 'credit-*',
    target: 'sagemaker:credit-scorer-prod',
    ...template,
    strategy: { ...template.strategy, bakeSeconds: 0 },
  };
}

const runtimes: LocalRuntime[] = [];
afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.close();
  removeTempDirs();
});

function open(promotions: readonly PromotionRule[] = [creditScorerRule()]): LocalRuntime {
  const runtime = openLocalRuntime({
    database: ':memory:',
    objectsDir: tempDir('verdict-objects-'),
    promotions,
  });
  runtimes.push(runtime);
  return runtime;
}

/** Registers a version of `group` (with its profile and bias report unless `withProfile` is false). */
async function register(runtime: LocalRuntime, group: string, withProfile = true) {
  const profile = `${BUCKET}/${group}/profile.json`;
  const report = `${BUCKET}/${group}/clarify/analysis.json`;
  const model = `${BUCKET}/${group}/weights.json`;
  await runtime.objects.put(profile, readFileSync(join(SAMPLES, 'credit-scorer.profile.json')));
  await runtime.objects.put(report, readFileSync(join(SAMPLES, 'credit-scorer.analysis.json')));
  await runtime.objects.put(model, 'weights');
  await putSampleOversight(runtime.objects);
  await runtime.registry.createModelPackageGroup(group);
  const pkg = await runtime.registry.createModelPackage({
    groupName: group,
    customerMetadata: withProfile ? { [PROFILE_METADATA_KEY]: profile } : {},
    biasReports: { postTraining: report },
    containers: [{ image: IMAGE, modelDataUrl: model }],
  });
  await runtime.bus.dispatch(runtime.registry.toStateChangeEvent(pkg));
  const { decisions } = await runtime.decisions.list({ filter: { gate: 'model-registry' }, limit: 100 });
  const decision = decisions.find((d) => d.subject.id === pkg.arn);
  if (!decision) throw new Error(`no decision on ${pkg.arn}`);
  return { arn: pkg.arn, decision };
}

describe('local promotion rules', () => {
  it('deploys an allowed version of a group a rule names to its embedded endpoint', async () => {
    const runtime = open();
    const { arn, decision } = await register(runtime, 'credit-scorer');
    expect(decision.decision).toBe('allow');

    const requestId = promotionRequestId(decision.id, 'credit-scorer-prod');
    const deployment = await waitForDeployment(runtime, deploymentIdFor(requestId));
    expect(deployment).toMatchObject({ requestId, status: 'promoted' });
    expect(deployment.decision).toMatchObject({ gate: 'deployment', decision: 'allow' });
    expect(runtime.endpoints.list()).toEqual([
      { name: 'credit-scorer-prod', status: 'InService', serving: arn },
    ]);
    expect(await runtime.audit.findAction(promotionActionId(requestId))).toMatchObject({
      decisionId: decision.id,
      kind: 'deployment.promote',
      target: 'sagemaker:credit-scorer-prod',
    });
  });

  it('deploys nothing for a rejected version', async () => {
    const runtime = open();
    const { decision } = await register(runtime, 'credit-scorer', false);
    expect(decision.decision).toBe('deny');
    expect(await runtime.deployments.list({ limit: 10 })).toMatchObject({ deployments: [] });
    expect(runtime.endpoints.list()).toEqual([]);
  });

  it('deploys nothing for an allowed version of a group no rule names', async () => {
    const runtime = open([{ ...creditScorerRule(), modelPackageGroup: 'fraud-*' }]);
    const { decision } = await register(runtime, 'credit-scorer');
    expect(decision.decision).toBe('allow');
    expect(await runtime.deployments.list({ limit: 10 })).toMatchObject({ deployments: [] });
    expect(runtime.endpoints.list()).toEqual([]);
  });

  it('reads the rules from promotions.json in the data directory', async () => {
    const dataDir = tempDir('verdict-data-');
    expect(readLocalPromotions(dataDir)).toEqual([]);
    writeFileSync(join(dataDir, PROMOTIONS_FILE), JSON.stringify([creditScorerRule()]));
    const runtime = openLocalRuntimeAt(dataDir);
    runtimes.push(runtime);
    const { arn } = await register(runtime, 'credit-scorer');
    expect(runtime.endpoints.list()).toMatchObject([{ name: 'credit-scorer-prod', serving: arn }]);
  });

  it('refuses a bad promotions.json with each problem named, before opening anything', () => {
    const dataDir = tempDir('verdict-data-');
    const path = join(dataDir, PROMOTIONS_FILE);
    writeFileSync(path, JSON.stringify([{ ...creditScorerRule(), target: 'sagemaker', region: 'mars' }]));
    const refused = (() => {
      try {
        openLocalRuntimeAt(dataDir);
      } catch (error) {
        return error;
      }
      throw new Error('expected the runtime to refuse the rules');
    })();
    expect(refused).toBeInstanceOf(InvalidInputError);
    expect((refused as InvalidInputError).problems).toEqual([
      `${path}: promotions[0].target: expected sagemaker:ENDPOINT or eks:CLUSTER/NAMESPACE/NAME`,
      `${path}: promotions[0].region: expected an AWS region like eu-west-1`,
    ]);
    expect(existsSync(join(dataDir, 'verdict.db'))).toBe(false);
    writeFileSync(path, '[{');
    expect(() => readLocalPromotions(dataDir)).toThrow(`${path}: not JSON:`);
  });
});
