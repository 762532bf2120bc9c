/**
 * The demo: three model versions are registered in the embedded registry; their state-change events go
 * through the local bus to the model-registry gate, exactly as SageMaker's events reach the Lambda.
 *
 * It uses the data directory every other command uses. Run again, it registers the next version of each
 * sample model and appends to the same ledger, under the same key; `reset` starts from an empty directory.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Decision } from '../../contracts/decision.ts';
import { PROFILE_METADATA_KEY } from '../../gates/model-registry/governance-inputs.ts';
import { SOURCE_ROOT } from '../../shared/source-root.ts';
import { hasLedger } from '../data-directory.ts';
import { emitStateChange, ensureGroup } from '../register-version.ts';
import { openLocalRuntimeAt } from '../runtime.ts';
import { startDemoCluster } from './demo-cluster.ts';
import { DEMO_IMAGE, type DemoDeployment, runDeploymentAct } from './demo-deployments.ts';
import type { DemoIncident } from './demo-incidents.ts';

const SAMPLES = pathToFileURL(join(SOURCE_ROOT, 'functions/local/demo/samples/'));
const BUCKET = 's3://verdict-demo-governance';

const DEMO_MODELS = [
  { group: 'retail-credit-scorer', sample: 'credit-scorer', story: 'compliant' },
  { group: 'cv-ranker', sample: 'cv-ranker', story: 'bias violation' },
  { group: 'citizen-trust-score', sample: 'citizen-trust-score', story: 'prohibited use' },
] as const;
/** Every sample model runs the same (sample) weights; the retrained credit scorer gets its own. */
const MODEL_ARTIFACT = 'credit-scorer.model.json';

export interface DemoResult {
  group: string;
  story: string;
  arn: string;
  approvalStatus: string;
  decision: Decision;
}

export interface DemoRun {
  results: DemoResult[];
  /** The second act: deployments of the approved and the rejected versions. */
  deployments: DemoDeployment[];
  /** The third act: an out-of-band change and a drift alarm on the live credit scorer, each re-gated. */
  incidents: DemoIncident[];
  redelivery: string;
  /** The latest signed checkpoint and the log's verifier key, to pin when verifying an export. */
  ledger: { size: number; note: string; vkey: string };
  /** The data directory held a ledger already: this run appended to it. */
  appended: boolean;
  /** The Kubernetes cluster the GPU workload went to: `off` when asked so, `not built` without the binaries. */
  cluster: 'used' | 'off' | 'not built';
}

export interface DemoOptions {
  reset?: boolean;
  /** Deploy to the local control plane too, when it is built (default true). */
  cluster?: boolean;
}

export async function runDemo(dataDir: string, options: DemoOptions = {}): Promise<DemoRun> {
  if (options.reset) rmSync(dataDir, { recursive: true, force: true });
  const appended = hasLedger(dataDir);
  const cluster = options.cluster === false ? undefined : await startDemoCluster(dataDir);
  const runtime = openLocalRuntimeAt(dataDir, {
    environment: 'demo',
    clusterTargets: cluster ? [cluster.target] : [],
  });
  try {
    const results: DemoResult[] = [];
    let firstEvent: Parameters<typeof runtime.bus.dispatch>[0] | undefined;
    for (const model of DEMO_MODELS) {
      const profile = `${BUCKET}/${model.group}/profile.json`;
      const report = `${BUCKET}/${model.group}/clarify/analysis.json`;
      await runtime.objects.put(
        profile,
        readFileSync(new URL(`${model.sample}.profile.json`, SAMPLES)),
        'application/json',
      );
      await runtime.objects.put(
        report,
        readFileSync(new URL(`${model.sample}.analysis.json`, SAMPLES)),
        'application/json',
      );
      const artifact = `${BUCKET}/${model.group}/model/model.json`;
      await runtime.objects.put(artifact, readFileSync(new URL(MODEL_ARTIFACT, SAMPLES)), 'application/json');
      await ensureGroup(runtime.registry, model.group);
      const pkg = await runtime.registry.createModelPackage({
        groupName: model.group,
        customerMetadata: { [PROFILE_METADATA_KEY]: profile },
        biasReports: { postTraining: report },
        containers: [{ image: DEMO_IMAGE, modelDataUrl: artifact }],
      });

      const event = runtime.registry.toStateChangeEvent(pkg);
      firstEvent ??= event;
      await emitStateChange(runtime, event);

      const after = await runtime.registry.describeModelPackage(pkg.arn);
      const decision = (await runtime.decisions.list({ limit: 1000 })).decisions.find(
        (d) => d.subject.id === pkg.arn,
      );
      if (!after || !decision) throw new Error(`no decision was recorded for ${pkg.arn}`);
      results.push({
        group: model.group,
        story: model.story,
        arn: pkg.arn,
        approvalStatus: after.approvalStatus,
        decision,
      });
    }

    // SageMaker events are delivered at least once: a redelivered event must change nothing.
    const before = (await runtime.decisions.list({ limit: 1000 })).decisions.length;
    if (firstEvent) await runtime.bus.dispatch(firstEvent);
    const afterCount = (await runtime.decisions.list({ limit: 1000 })).decisions.length;
    const redelivery =
      afterCount === before
        ? `redelivered event ${firstEvent?.id}: no second decision, no second status change`
        : `redelivered event ${firstEvent?.id}: UNEXPECTED second decision`;
    const [credit, cv] = results;
    const { deployments, incidents } =
      credit && cv
        ? await runDeploymentAct(runtime, {
            samples: SAMPLES,
            bucket: BUCKET,
            creditScorerArn: credit.arn,
            cvRankerArn: cv.arn,
            ...(cluster && { eksCluster: cluster.name }),
          })
        : { deployments: [], incidents: [] };
    const ledger = await runtime.openLedger();
    const checkpoint = await ledger.checkpoint();
    const vkey = (await ledger.store.verifierKeys()).at(-1) ?? '';
    return {
      results,
      deployments,
      incidents,
      redelivery,
      ledger: { size: checkpoint.size, note: checkpoint.note, vkey },
      appended,
      cluster: cluster ? 'used' : options.cluster === false ? 'off' : 'not built',
    };
  } finally {
    await runtime.close();
    await cluster?.stop();
  }
}
