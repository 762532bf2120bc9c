import { isAbsolute, join, relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { deploymentTargetName } from '../../contracts/deployment-request.ts';
import { renderViolation } from '../../gates/explain/render-decision.ts';
import { plural } from '../../shared/plural.ts';
import type { DemoDeployment } from '../demo/demo-deployments.ts';
import type { DemoIncident } from '../demo/demo-incidents.ts';
import { type DemoResult, runDemo } from '../demo/run-demo.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { DEFAULT_DATA_DIR } from './data-dir.ts';
import { formatOption, jsonAliasOption, type OutputFormat, printJson } from './output-format.ts';
import { stylesFor } from './terminal-style.ts';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(COMMAND_SUMMARIES.demo)
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .option('--reset', 'empty the data directory first (otherwise a second run appends to its ledger)')
    .option('--no-cluster', 'leave out the GPU workload on the local Kubernetes control plane')
    .addOption(formatOption('text'))
    .addOption(jsonAliasOption())
    .action(async (options: { dataDir: string; reset?: boolean; cluster: boolean; format: OutputFormat }) => {
      const { results, deployments, incidents, redelivery, ledger, appended, cluster } = await runDemo(
        options.dataDir,
        {
          ...(options.reset ? { reset: true } : {}),
          cluster: options.cluster,
        },
      );
      if (options.format === 'json') {
        printJson(results.map((r) => r.decision));
        return;
      }
      const policy = results[0]?.decision.policy;
      // The follow-up commands run as printed: on the default data directory they need no --data-dir, and
      // each run's export goes to a new directory inside the data directory.
      const dir = shown(options.dataDir);
      const dataDirFlag =
        resolve(options.dataDir) === resolve(DEFAULT_DATA_DIR) ? '' : ` --data-dir ${shellWord(dir)}`;
      const exportDir = shellWord(shown(join(options.dataDir, 'exports', `ledger-${ledger.size}`)));
      const lines = [
        `Verdict demo: ${results.length} model versions registered in the embedded model registry`,
        `policy bundle ${policy?.version} sha256:${policy?.bundleSha256}`,
        '',
        ...results.flatMap(render),
        redelivery,
        '',
        'Deployments: each request goes through the deployment gate, then a rollout on an embedded SageMaker',
        'endpoint (nothing is served); every step is a ledger entry.',
        CLUSTER_NOTE[cluster],
        ...deployments.flatMap(renderDeployment),
        '',
        'Incidents on the live credit scorer: each is re-gated, its decision recorded, then acted on.',
        ...incidents.flatMap(renderIncident),
        '',
        `Audit ledger: ${plural(ledger.size, 'entry', 'entries')} (decisions and the actions they caused)${appended ? ', appended to the existing ledger' : ''}, signed checkpoint:`,
        ...ledger.note
          .trimEnd()
          .split('\n')
          .map((line) => `  ${line}`),
        '',
        `Decisions are stored in ${dir}. Verify the ledger offline with:`,
        `  npx verdict ledger export${dataDirFlag} --out ${exportDir} && npx verdict ledger verify ${exportDir} --key '${ledger.vkey}'`,
        'Browse the decisions and deployments with:',
        `  npx verdict deployments list${dataDirFlag}`,
        `  npx verdict serve${dataDirFlag}   then GET http://127.0.0.1:8787/decisions`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

const CLUSTER_NOTE: Record<'used' | 'off' | 'not built', string> = {
  used: 'The GPU workload runs on a local Kubernetes control plane with a simulated GPU node (kwok).',
  off: 'The GPU workload is left out (--no-cluster).',
  'not built':
    'The GPU workload is left out: the local Kubernetes control plane is not built (npm run setup builds it).',
};

/** A path as a person types it: relative below the working directory, absolute elsewhere. */
function shown(path: string): string {
  const below = relative(process.cwd(), resolve(path));
  return below && !below.startsWith('..') && !isAbsolute(below) ? below : resolve(path);
}

function shellWord(word: string): string {
  return /^[\w./:@%+=-]+$/.test(word) ? word : `'${word.replaceAll("'", "'\\''")}'`;
}

function render(result: DemoResult): string[] {
  const { decision } = result;
  const head = `${result.group} v${decision.subject.version} (${result.story}): ${stylesFor(process.stdout).outcome(decision.decision, decision.decision.toUpperCase())} -> ${result.approvalStatus}, risk class ${decision.riskClass ?? 'unknown'}`;
  return [head, `  decision ${decision.id}`, ...decision.violations.flatMap((v) => renderViolation(v)), ''];
}

function renderDeployment({ story, version, deployment }: DemoDeployment): string[] {
  const { request } = deployment;
  const target = deploymentTargetName(request.target);
  const head = `${version} (${story}) -> ${target} (${request.environment}): ${stylesFor(process.stdout).outcome(deployment.status === 'refused' ? 'deny' : 'allow', deployment.status.toUpperCase())}`;
  const steps = `  steps ${deployment.history.map((h) => h.step).join(' -> ')}   deployment ${deployment.id}`;
  return [head, steps, ...deployment.explanations.map((line) => `  x ${line}`)];
}

function renderIncident({ story, decision, remedy, deployment }: DemoIncident): string[] {
  const head = `${story}: ${stylesFor(process.stdout).outcome(decision.decision, decision.decision.toUpperCase())}`;
  const steps = deployment
    ? [`  steps ${deployment.history.map((h) => h.step).join(' -> ')}   deployment ${deployment.id}`]
    : [];
  return [
    head,
    `  ${decision.gate} gate, decision ${decision.id}`,
    ...decision.violations.flatMap((v) => renderViolation(v)),
    `  ${remedy}`,
    ...steps,
  ];
}
