/**
 * `verdict deploy`: asks for a governed deployment on the local backbone. The request goes on the bus as
 * `Verdict Deployment Requested`; the orchestrator gates it (the deployment policy, on the facts of the
 * ledger and the registry), then plans and applies it on the embedded SageMaker endpoints, and the command
 * waits through the bake (unless `--no-wait`). With `--stack` the request goes on the deployed stack's bus
 * and the command follows the deployment in its table (stack-deployments.ts); `--region` is then the stack's
 * region too, and the request's by default. Exit codes: 0 promoted (or under way with --no-wait); 3 refused
 * by the gate, rolled back, failed or revoked; 4 refused for review; 2 bad input; 1 internal error (or still
 * under way when `--timeout` ran out).
 */
import { randomUUID } from 'node:crypto';
import { type Command, Option } from 'commander';
import type { Deployment } from '../../contracts/deployment.ts';
import { deploymentRequestSchema, ROLLOUT_STRATEGIES } from '../../contracts/deployment-request.ts';
import { ENVIRONMENTS } from '../../contracts/environment.ts';
import { DeploymentRequestConflictError } from '../../deployments/errors.ts';
import { describeIssues } from '../../shared/validation.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { DEFAULT_DATA_DIR } from './data-dir.ts';
import { type DeployFlags, deploymentRequestFrom } from './deploy-request-options.ts';
import { EXIT, exitCodeFor, UsageError } from './exit-codes.ts';
import { deploymentText } from './formats/deployment-format.ts';
import { localOperator } from './local-operator.ts';
import { formatOption, type OutputFormat, printJson } from './output-format.ts';
import { timeoutMs } from './poll.ts';
import { readJsonFile } from './read-json-file.ts';
import { openChosenStack } from './stack-option.ts';

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,200}$/;

interface DeployOptions extends Omit<DeployFlags, 'request'> {
  request?: string;
  idempotencyKey?: string;
  wait: boolean;
  format: OutputFormat;
  dataDir: string;
  stack?: string;
  profile?: string;
  timeout?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function registerDeployCommand(program: Command): void {
  program
    .command('deploy')
    .description(COMMAND_SUMMARIES.deploy)
    .option('--request <file>', 'the whole request as JSON (what POST /deployments takes); flags override it')
    .option('--model-package <arn>', 'the approved model package version to deploy')
    .option('--target <target>', 'sagemaker:ENDPOINT or eks:CLUSTER/NAMESPACE/NAME')
    .addOption(new Option('--env <environment>', 'the environment it serves').choices(ENVIRONMENTS))
    .option(
      '--region <region>',
      "the AWS region it runs in (data residency; default eu-west-1); with --stack, the stack's region and the default",
    )
    .addOption(
      new Option('--strategy <strategy>', 'rollout strategy (default canary)').choices(ROLLOUT_STRATEGIES),
    )
    .option('--step <step>', 'canary/linear/rolling step: a share (10%) or a number of instances')
    .option('--bake <seconds>', 'bake time after each step, 0 to 3600 (default 600)')
    .option('--max-duration <seconds>', 'the whole rollout must end within this, 600 to 28800 (default 3600)')
    .option('--alarm <name>', 'a CloudWatch alarm that rolls the deployment back (repeatable)', collect)
    .option('--instance-type <type>', 'SageMaker instance type (default ml.m5.xlarge)')
    .option('--instance-count <n>', 'SageMaker instances (default 1)')
    .option('--max-instance-count <n>', 'autoscaling maximum (default the instance count)')
    .option('--gpus <n>', 'EKS: nvidia.com/gpu per replica (default 1)')
    .option('--gpu-type <type>', 'EKS: GPU type, e.g. nvidia-l4')
    .option('--node-type <type>', 'EKS: node instance type, e.g. g6.xlarge')
    .option('--replicas <n>', 'EKS: replicas (default 1)')
    .option('--max-replicas <n>', 'EKS: autoscaling maximum (default the replicas)')
    .option(
      '--tag <key=value>',
      'a tag (repeatable): owner, cost-centre, model and risk-class are required',
      collect,
    )
    .option('--network-isolation', 'no network access for the model container (required for personal data)')
    .option('--capture <s3-uri>', 'capture requests and responses to this S3 prefix (Art. 12, 26(6))')
    .option('--capture-retention-days <days>', 'how long captured records are kept (default 184)')
    .option('--human-oversight <s3-uri>', 'the document that assigns human oversight (Art. 26(2))')
    .option('--idempotency-key <key>', 'the same key asks for the same deployment (default: a new one)')
    .option('--no-wait', 'return once the rollout has started instead of waiting through the bake')
    .addOption(formatOption('text'))
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .addOption(
      new Option('--stack <name>', 'ask a deployed Verdict stack (its region is --region)').conflicts(
        'dataDir',
      ),
    )
    .option('--profile <profile>', 'the AWS profile whose credentials reach the stack')
    .option('--timeout <seconds>', 'with --stack: how long to follow the deployment (default 900)')
    .action(async (options: DeployOptions) => {
      const requestId = options.idempotencyKey ?? randomUUID();
      if (!IDEMPOTENCY_KEY.test(requestId)) {
        throw new UsageError(`--idempotency-key ${requestId}: expected 1 to 200 of A-Z a-z 0-9 . _ : -`);
      }
      const stackChoice = options.stack === undefined ? undefined : { ...options, stack: options.stack };
      if (!stackChoice && (options.profile || options.timeout))
        throw new UsageError(`${options.profile ? '--profile' : '--timeout'} goes with --stack`);
      const wait = stackChoice ? timeoutMs(options.timeout) : 0;
      const stack = stackChoice && (await openChosenStack(stackChoice));
      const base = options.request === undefined ? undefined : readJsonFile(options.request, 'request');
      const raw = deploymentRequestFrom(
        { ...options, request: base },
        stack ? { defaultRegion: stack.stack.region } : {},
      );
      const parsed = deploymentRequestSchema.safeParse(raw);
      if (!parsed.success) {
        throw new UsageError('the deployment request is not valid', describeIssues(parsed.error.issues));
      }
      if (stack) {
        const { requestStackDeployment } = await import('./stack-deployments.ts');
        const followed = await requestStackDeployment(stack, requestId, parsed.data, {
          wait: options.wait,
          timeoutMs: wait,
          onBake: (until) => {
            if (options.format === 'text') process.stderr.write(`baking until ${until} ...\n`);
          },
        }).catch(conflictAsUsage);
        printDeployment(followed.deployment, options.format);
        process.exitCode = followed.settled
          ? exitCodeOf(followed.deployment)
          : stillUnderWay(followed.deployment, stack.stack.stackName);
        return;
      }
      const { openLocalRuntimeAt } = await import('../runtime.ts');
      const { requestLocalDeployment, waitForDeployment } = await import('../local-deployments.ts');
      const runtime = openLocalRuntimeAt(options.dataDir);
      try {
        const operator = localOperator();
        let deployment = await requestLocalDeployment(runtime, requestId, parsed.data, operator).catch(
          conflictAsUsage,
        );
        if (options.wait) {
          deployment = await waitForDeployment(runtime, deployment.id, (until) => {
            if (options.format === 'text') process.stderr.write(`baking until ${until.toISOString()} ...\n`);
          });
        }
        const { withRequestersOpened } = await import('../../deployments/requested-by.ts');
        const [shown] = await withRequestersOpened([deployment], runtime.personal);
        printDeployment(shown ?? deployment, options.format);
        process.exitCode = exitCodeOf(deployment);
      } finally {
        await runtime.close();
      }
    });
}

function conflictAsUsage(error: unknown): never {
  if (error instanceof DeploymentRequestConflictError) throw new UsageError(error.message);
  throw error;
}

export function printDeployment(deployment: Deployment, format: OutputFormat): void {
  if (format === 'json') printJson(deployment);
  else process.stdout.write(deploymentText(deployment));
}

/** The time ran out while the stack still works on it: where to look later, and exit 1. */
export function stillUnderWay(deployment: Deployment, stackName: string): number {
  process.stderr.write(
    `verdict: deployment ${deployment.id} is still ${deployment.status} after --timeout: follow it with verdict deployments show ${deployment.id} --stack ${stackName}\n`,
  );
  return EXIT.internal;
}

export function exitCodeOf(deployment: Deployment): number {
  switch (deployment.status) {
    case 'refused':
      return exitCodeFor(deployment.decision.decision);
    case 'rolled-back':
    case 'failed':
    case 'revoked':
      return EXIT.deny;
    default:
      return EXIT.ok;
  }
}
