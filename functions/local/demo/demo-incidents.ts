/**
 * The demo's third act, two incidents on the live credit scorer, each re-gated and remediated, every step a
 * ledger entry:
 *
 * - out of band: someone points credit-scorer-prod at the rejected CV ranker through the (embedded) SageMaker
 *   API; CloudTrail's records reach the orchestrator, the deployment gate denies the change and, in restore
 *   mode for this scene (the mode a `prod` stack runs in), the last promoted deployment's config is put back;
 * - drift: a retrained version bakes as a canary when the data-drift alarm fires; the monitoring gate rolls
 *   the rollout back (any alarm during a bake does), and the promoted version serves on.
 */
import type { Decision } from '../../contracts/decision.ts';
import type { Deployment } from '../../contracts/deployment.ts';
import { type DeploymentRequestInput, deploymentRequestSchema } from '../../contracts/deployment-request.ts';
import type { OutOfBandOutcome } from '../../deployments/out-of-band.ts';
import { changeEndpointOutOfBand, raiseLocalAlarm, requestLocalDeployment } from '../local-deployments.ts';
import type { LocalRuntime } from '../runtime.ts';

export interface DemoIncident {
  story: string;
  /** The decision that re-gated the target. */
  decision: Decision;
  /** What was done about it, one line. */
  remedy: string;
  /** The deployment the incident ended, when it ended one. */
  deployment?: Deployment;
}

type DeploymentBase = Omit<DeploymentRequestInput, 'modelPackageArn'>;

/** The drift alarm the sample deployment request names. */
const DRIFT_ALARM = 'credit-scorer-data-drift';

export async function runIncidentAct(
  runtime: LocalRuntime,
  options: { base: DeploymentBase; cvRankerArn: string; registerRetrained: () => Promise<string> },
): Promise<DemoIncident[]> {
  return [
    await outOfBandChange(runtime, options.base, options.cvRankerArn),
    await driftDuringCanary(runtime, options.base, await options.registerRetrained()),
  ];
}

async function outOfBandChange(
  runtime: LocalRuntime,
  base: DeploymentBase,
  cvRankerArn: string,
): Promise<DemoIncident> {
  const endpointName = endpointOf(base);
  const settings = runtime.deploymentSaga.outOfBand;
  if (!settings) throw new Error('the local runtime detects no out-of-band change');
  runtime.deploymentSaga.outOfBand = { ...settings, mode: 'restore' };
  let outcomes: Awaited<ReturnType<typeof changeEndpointOutOfBand>>['outcomes'];
  try {
    ({ outcomes } = await changeEndpointOutOfBand(runtime, { endpointName, modelPackageArn: cvRankerArn }));
  } finally {
    runtime.deploymentSaga.outOfBand = settings;
  }
  const found = outcomes.find(
    (o): o is Extract<OutOfBandOutcome, { step: 'out-of-band' }> =>
      o.step === 'out-of-band' && o.decisionId !== undefined,
  );
  const decision = found?.decisionId && (await runtime.decisions.get(found.decisionId));
  if (!found || !decision) throw new Error(`no decision was recorded for the change of ${endpointName}`);
  const serving = runtime.endpoints.list().find((e) => e.name === endpointName)?.serving ?? 'nothing';
  const restored = /restored deployment \S+ \((\w+)\)/.exec(found.detail);
  const remedy = restored
    ? `restored the last promoted deployment (${restored[1]}): ${endpointName} serves ${versionOf(serving)} again`
    : `not restored: ${endpointName} serves ${versionOf(serving)}`;
  return {
    story: `out of band: ${endpointName} pointed at ${versionOf(cvRankerArn)} through the SageMaker API (mode restore)`,
    decision,
    remedy,
  };
}

async function driftDuringCanary(
  runtime: LocalRuntime,
  base: DeploymentBase,
  retrainedArn: string,
): Promise<DemoIncident> {
  const baking = await requestLocalDeployment(
    runtime,
    `demo-${retrainedArn}-${base.environment}-drift`,
    deploymentRequestSchema.parse({ ...base, modelPackageArn: retrainedArn }),
  );
  if (baking.status !== 'baking') throw new Error(`deployment ${baking.id} is ${baking.status}, not baking`);
  const effects = await raiseLocalAlarm(runtime, DRIFT_ALARM, 'feature drift above its threshold');
  const effect = effects.find((e) => e.id === baking.id);
  const decision = effect && (await runtime.decisions.get(effect.decisionId));
  const after = await runtime.deployments.get(baking.id);
  if (!effect || !decision || !after) throw new Error(`alarm ${DRIFT_ALARM} did not re-gate ${baking.id}`);
  const serving = runtime.endpoints.list().find((e) => e.name === endpointOf(base))?.serving ?? 'nothing';
  return {
    story: `drift: alarm ${DRIFT_ALARM} fires while ${versionOf(retrainedArn)} bakes as a canary on ${endpointOf(base)}`,
    decision,
    remedy: `${effect.action}: the canary is ${after.status}, ${endpointOf(base)} serves ${versionOf(serving)}`,
    deployment: after,
  };
}

function endpointOf(base: DeploymentBase): string {
  if (base.target.kind !== 'sagemaker') throw new Error('the demo deploys to a SageMaker endpoint');
  return base.target.endpointName;
}

export function versionOf(arn: string): string {
  const [, group, version] = /model-package\/([^/]+)\/(\d+)$/.exec(arn) ?? [];
  return group && version ? `${group} v${version}` : arn;
}
