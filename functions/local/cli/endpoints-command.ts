/**
 * `verdict endpoints list | update ENDPOINT --model-package ARN | delete ENDPOINT`: the embedded SageMaker
 * endpoints. `update` and `delete` act as a person with SageMaker rights would, outside the orchestration:
 * the change is made, CloudTrail's record of each call goes on the local bus as EventBridge would put it, and
 * the orchestrator re-gates the endpoint and remediates per mode (`--mode`, else VERDICT_OUT_OF_BAND_MODE,
 * else alert). Exit codes: 0 ok; 2 bad input (nothing is changed); 1 internal error.
 */
import { type Command, Option } from 'commander';
import { OUT_OF_BAND_MODES, type OutOfBandMode } from '../../contracts/deployment-events.ts';
import { modelPackageArnSchema } from '../../contracts/deployment-request.ts';
import type { OrchestratorOutcome } from '../../deployments/orchestrate.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { DEFAULT_DATA_DIR } from './data-dir.ts';
import { UsageError } from './exit-codes.ts';
import { formatOption, type OutputFormat, printJson } from './output-format.ts';

const ENDPOINT_NAME = /^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/;
export const OUT_OF_BAND_MODE_VARIABLE = 'VERDICT_OUT_OF_BAND_MODE';

interface ChangeOptions {
  mode?: OutOfBandMode;
  format: OutputFormat;
  dataDir: string;
}

export function registerEndpointsCommand(program: Command): void {
  const endpoints = program.command('endpoints').description(COMMAND_SUMMARIES.endpoints);
  const modeOption = () =>
    new Option(
      '--mode <mode>',
      `what the orchestrator does when the endpoint no longer serves its live deployment (default: $${OUT_OF_BAND_MODE_VARIABLE}, else alert)`,
    ).choices([...OUT_OF_BAND_MODES]);

  endpoints
    .command('list')
    .description('the embedded endpoints: status and the model package each serves')
    .addOption(formatOption('text'))
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .action(async (options: { format: OutputFormat; dataDir: string }) => {
      const list = await withRuntime(options.dataDir, undefined, async (runtime) => runtime.endpoints.list());
      if (options.format === 'json') printJson(list);
      else process.stdout.write(list.length > 0 ? list.map(endpointLine).join('') : 'no endpoints\n');
    });

  endpoints
    .command('update')
    .description(
      'point an endpoint at a model package outside Verdict (CreateEndpointConfig, then CreateEndpoint or UpdateEndpoint), as a person with SageMaker rights could; the orchestrator detects it',
    )
    .argument('<endpoint>', 'the endpoint name')
    .requiredOption('--model-package <arn>', 'the model package the endpoint is to serve')
    .addOption(modeOption())
    .addOption(formatOption('text'))
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .action(async (endpointName: string, options: ChangeOptions & { modelPackage: string }) => {
      checkEndpointName(endpointName);
      const parsed = modelPackageArnSchema.safeParse(options.modelPackage);
      if (!parsed.success) throw new UsageError(`--model-package: ${parsed.error.issues[0]?.message}`);
      const mode = modeOf(options);
      const { changeEndpointOutOfBand } = await import('../local-deployments.ts');
      const result = await withRuntime(options.dataDir, mode, async (runtime) => {
        const change = await changeEndpointOutOfBand(runtime, { endpointName, modelPackageArn: parsed.data });
        return { ...change, mode, endpoint: runtime.endpoints.list().find((e) => e.name === endpointName) };
      });
      print(
        options.format,
        `changed ${endpointName} to serve ${parsed.data} (config ${result.endpointConfigName})`,
        result,
      );
    });

  endpoints
    .command('delete')
    .description(
      'delete an endpoint outside Verdict, as a person with SageMaker rights could; the orchestrator detects it',
    )
    .argument('<endpoint>', 'the endpoint name')
    .addOption(modeOption())
    .addOption(formatOption('text'))
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .action(async (endpointName: string, options: ChangeOptions) => {
      checkEndpointName(endpointName);
      const mode = modeOf(options);
      const { deleteEndpointOutOfBand } = await import('../local-deployments.ts');
      const result = await withRuntime(options.dataDir, mode, async (runtime) => {
        if (!runtime.endpoints.list().some((e) => e.name === endpointName)) {
          throw new UsageError(`no endpoint ${endpointName}`);
        }
        const outcomes = await deleteEndpointOutOfBand(runtime, endpointName);
        return { outcomes, mode, endpoint: runtime.endpoints.list().find((e) => e.name === endpointName) };
      });
      print(options.format, `deleted ${endpointName}`, result);
    });
}

function print(
  format: OutputFormat,
  headline: string,
  result: {
    outcomes: OrchestratorOutcome[];
    mode: OutOfBandMode;
    endpoint?: { name: string; status: string; serving: string } | undefined;
  },
): void {
  if (format === 'json') {
    printJson(result);
    return;
  }
  const lines = [`${headline}, outside Verdict\n`, `out-of-band mode ${result.mode}\n`];
  for (const outcome of result.outcomes) lines.push(`detected  ${outcomeLine(outcome)}\n`);
  lines.push(result.endpoint ? `now       ${endpointLine(result.endpoint)}` : 'now       no such endpoint\n');
  process.stdout.write(lines.join(''));
}

function outcomeLine(outcome: OrchestratorOutcome): string {
  if (outcome.step === 'out-of-band') return `${outcome.finding}: ${outcome.detail}`;
  if (outcome.step === 'ignored') return `ignored: ${outcome.reason}`;
  return outcome.step;
}

function endpointLine(endpoint: { name: string; status: string; serving: string; pending?: string }): string {
  return `${endpoint.name}  ${endpoint.status}  serves ${endpoint.serving}${endpoint.pending ? `, rolling out ${endpoint.pending}` : ''}\n`;
}

function checkEndpointName(name: string): void {
  if (!ENDPOINT_NAME.test(name)) {
    throw new UsageError(
      `${name}: expected a SageMaker endpoint name (letters, digits, inner hyphens, at most 63)`,
    );
  }
}

function modeOf(options: { mode?: OutOfBandMode }): OutOfBandMode {
  if (options.mode) return options.mode;
  const fromEnv = process.env[OUT_OF_BAND_MODE_VARIABLE];
  if (fromEnv === undefined || fromEnv === '') return 'alert';
  if (!(OUT_OF_BAND_MODES as readonly string[]).includes(fromEnv)) {
    throw new UsageError(
      `${OUT_OF_BAND_MODE_VARIABLE}: expected one of ${OUT_OF_BAND_MODES.join(', ')} (got "${fromEnv}")`,
    );
  }
  return fromEnv as OutOfBandMode;
}

async function withRuntime<T>(
  dataDir: string,
  outOfBandMode: OutOfBandMode | undefined,
  work: (runtime: import('../runtime.ts').LocalRuntime) => Promise<T>,
): Promise<T> {
  const { openLocalRuntimeAt } = await import('../runtime.ts');
  const runtime = openLocalRuntimeAt(dataDir, outOfBandMode ? { outOfBandMode } : {});
  try {
    await runtime.fireDueBakes();
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}
