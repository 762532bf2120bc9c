/**
 * `verdict deployments list | show ID | alarm --name ALARM` and `verdict rollback ID`, on the local backbone,
 * or on a deployed stack with `--stack` (its deployments table; a rollback goes on its bus,
 * stack-deployments.ts). Locally, bakes that ended while no command ran are fired first, as EventBridge
 * Scheduler would have fired them. Exit codes: 0 ok; 3 a rollback that could not restore the previous
 * version; 2 bad input (an unknown id, a deployment with nothing to roll back); 1 internal error (or a
 * rollback still under way at `--timeout`).
 */
import { type Command, Option } from 'commander';
import type { Deployment } from '../../contracts/deployment.ts';
import { DEPLOYMENT_STATUSES, type DeploymentStatus } from '../../contracts/deployment-status.ts';
import { DeploymentNotFoundError, DeploymentNotLiveError } from '../../deployments/errors.ts';
import { ROLLBACK_FROM } from '../../deployments/rollback-step.ts';
import type { DeploymentFilter, DeploymentStore } from '../../ports/deployment-store.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { DEFAULT_DATA_DIR } from './data-dir.ts';
import { exitCodeOf, printDeployment, stillUnderWay } from './deploy-command.ts';
import { UsageError } from './exit-codes.ts';
import { deploymentLine, deploymentText } from './formats/deployment-format.ts';
import { formatOption, type OutputFormat, printJson } from './output-format.ts';
import { timeoutMs } from './poll.ts';
import { addStackOptions, openChosenStack, type StackChoice } from './stack-option.ts';

const DEPLOYMENT_ID = /^[A-Za-z0-9-]{1,64}$/;

interface ListOptions extends StackChoice {
  status?: DeploymentStatus[];
  target?: string;
  decisionId?: string;
  limit?: string;
  cursor?: string;
  format: OutputFormat;
  dataDir: string;
}

export function registerDeploymentsCommand(program: Command): void {
  const deployments = program.command('deployments').description(COMMAND_SUMMARIES.deployments);

  addStackOptions(deployments.command('list'))
    .description('deployments in request order, one page at a time')
    .addOption(new Option('--status <status...>', 'only these statuses').choices([...DEPLOYMENT_STATUSES]))
    .option('--target <target>', 'only this target (sagemaker:ENDPOINT, eks:CLUSTER/NAMESPACE/NAME)')
    .option('--decision-id <id>', 'only deployments of the artifact this registry decision approved')
    .option('--limit <n>', 'at most this many (1 to 1000, default 50)')
    .option('--cursor <cursor>', 'the next page: the nextCursor of the previous one')
    .addOption(formatOption('text'))
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .action(async (options: ListOptions) => {
      const filter: DeploymentFilter = {
        ...(options.status && { statuses: options.status }),
        ...(options.target && { target: options.target }),
        ...(options.decisionId && { decisionId: options.decisionId }),
      };
      const limit = options.limit === undefined ? undefined : Number(options.limit);
      const page = await withDeploymentStore(options, async (store, open) => {
        try {
          const found = await store.list({
            filter,
            ...(limit !== undefined && { limit }),
            ...(options.cursor !== undefined && { cursor: options.cursor }),
          });
          return { ...found, deployments: await open(found.deployments) };
        } catch (error) {
          if (error instanceof RangeError || (error as Error).name === 'InvalidCursorError')
            throw new UsageError((error as Error).message);
          throw error;
        }
      });
      if (options.format === 'json') {
        printJson(page);
        return;
      }
      const lines = page.deployments.map((d) => `${deploymentLine(d)}\n`);
      process.stdout.write(lines.length > 0 ? lines.join('') : 'no deployments\n');
      if (page.nextCursor) process.stdout.write(`more: --cursor ${page.nextCursor}\n`);
    });

  addStackOptions(deployments.command('show'))
    .description('one deployment: where it stands, its gate decision and every step (each a ledger entry)')
    .argument('<id>', 'the deployment id')
    .addOption(formatOption('text'))
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .action(async (id: string, options: StackChoice & { format: OutputFormat; dataDir: string }) => {
      checkId(id);
      const deployment = await withDeploymentStore(options, async (store, open) => {
        const found = await store.get(id);
        return found && (await open([found]))[0];
      });
      if (!deployment) throw new UsageError(`no deployment ${id}`);
      if (options.format === 'json') printJson(deployment);
      else process.stdout.write(deploymentText(deployment));
    });

  deployments
    .command('alarm')
    .description(
      'raise a CloudWatch alarm (its ALARM state change, as CloudWatch reports it): the deployments naming it are re-gated and kept, rolled back or revoked',
    )
    .requiredOption('--name <alarm>', 'the alarm name, as deployments name it in --alarm')
    .option('--reason <text>', 'why the alarm fired (its state reason)', 'Threshold Crossed')
    .addOption(formatOption('text'))
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .action(async (options: { name: string; reason: string; format: OutputFormat; dataDir: string }) => {
      if (!ALARM_NAME.test(options.name)) {
        throw new UsageError(`--name: expected an alarm name of 1 to 255 characters, got "${options.name}"`);
      }
      const { raiseLocalAlarm } = await import('../local-deployments.ts');
      const outcomes = await withDeployments(options.dataDir, (runtime) =>
        raiseLocalAlarm(runtime, options.name, options.reason),
      );
      if (options.format === 'json') {
        printJson({ alarm: options.name, deployments: outcomes });
        return;
      }
      if (outcomes.length === 0) {
        process.stdout.write(`no live deployment names alarm ${options.name}\n`);
        return;
      }
      for (const outcome of outcomes) {
        process.stdout.write(
          `${outcome.id}  ${outcome.action}: ${outcome.status.toUpperCase()}  (monitoring decision ${outcome.decisionId})\n`,
        );
        for (const reason of outcome.reasons) process.stdout.write(`  - ${reason}\n`);
      }
    });
}

interface RollbackOptions extends StackChoice {
  format: OutputFormat;
  dataDir: string;
  timeout?: string;
}

const ALARM_NAME = /^[^\p{Cc}]{1,255}$/u;

export function registerRollbackCommand(program: Command): void {
  addStackOptions(program.command('rollback'))
    .description(COMMAND_SUMMARIES.rollback)
    .argument('<id>', 'the deployment id')
    .addOption(formatOption('text'))
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .option('--timeout <seconds>', 'with --stack: how long to follow the rollback (default 900)')
    .action(async (id: string, options: RollbackOptions) => {
      checkId(id);
      const stack = await openChosenStack(options);
      if (!stack && options.timeout !== undefined) throw new UsageError('--timeout goes with --stack');
      if (stack) {
        const wait = timeoutMs(options.timeout);
        const { rollbackStackDeployment } = await import('./stack-deployments.ts');
        const followed = await rollbackStackDeployment(stack, id, wait).catch((error: unknown) => {
          if (error instanceof DeploymentNotFoundError || error instanceof DeploymentNotLiveError)
            throw new UsageError(error.message);
          throw error;
        });
        printDeployment(followed.deployment, options.format);
        if (!followed.settled) process.exitCode = stillUnderWay(followed.deployment, stack.stack.stackName);
        else if (followed.deployment.status !== 'rolled-back')
          process.exitCode = exitCodeOf(followed.deployment);
        return;
      }
      const { rollbackLocalDeployment } = await import('../local-deployments.ts');
      const deployment = await withDeployments(options.dataDir, async (runtime) => {
        const found = await runtime.deployments.get(id);
        if (!found) throw new UsageError(`no deployment ${id}`);
        if (!ROLLBACK_FROM.includes(found.status)) {
          throw new UsageError(new DeploymentNotLiveError(id, found.status).message);
        }
        try {
          return await rollbackLocalDeployment(runtime, id);
        } catch (error) {
          if (error instanceof DeploymentNotFoundError || error instanceof DeploymentNotLiveError)
            throw new UsageError(error.message);
          throw error;
        }
      });
      if (options.format === 'json') printJson(deployment);
      else process.stdout.write(deploymentText(deployment));
      if (deployment.status !== 'rolled-back') process.exitCode = exitCodeOf(deployment);
    });
}

function checkId(id: string): void {
  if (!DEPLOYMENT_ID.test(id)) throw new UsageError(`${id}: expected a deployment id`);
}

/** The deployments table of the stack with --stack, else the local store (after firing due bakes). */
async function withDeploymentStore<T>(
  options: StackChoice & { dataDir: string },
  work: (store: DeploymentStore, open: OpenRequesters) => Promise<T>,
): Promise<T> {
  const stack = await openChosenStack(options);
  if (!stack) {
    const { withRequestersOpened } = await import('../../deployments/requested-by.ts');
    return withDeployments(options.dataDir, (runtime) =>
      work(runtime.deployments, (found) => withRequestersOpened(found, runtime.personal)),
    );
  }
  const { stackDeploymentStore } = await import('./stack-deployments.ts');
  // The stack's sealed requesters are opened by its API (GET /deployments), whose role holds the keys.
  return work(stackDeploymentStore(stack), async (found) => [...found]);
}

/** The deployments with who asked for them opened for the reader (`erased (...)` once forgotten). */
type OpenRequesters = (deployments: readonly Deployment[]) => Promise<Deployment[]>;

async function withDeployments<T>(
  dataDir: string,
  work: (runtime: import('../runtime.ts').LocalRuntime) => Promise<T>,
): Promise<T> {
  const { openLocalRuntimeAt } = await import('../runtime.ts');
  const runtime = openLocalRuntimeAt(dataDir);
  try {
    await runtime.fireDueBakes();
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}
