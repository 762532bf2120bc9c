/**
 * `verdict registry`: the embedded model registry of the data directory. `register` creates a version
 * pending manual approval, as `CreateModelPackage` does, and puts its `SageMaker Model Package State Change`
 * event on the local bus, as SageMaker puts it on the default bus: the route table takes it to the gate and
 * the decision is recorded in the ledger. `list` shows the versions and their approval status.
 */
import type { Command } from 'commander';
import { ModelRegistryError } from '../../adapters/local/sqlite-model-registry.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { DEFAULT_DATA_DIR } from './data-dir.ts';
import { EXIT, exitCodeFor, UsageError } from './exit-codes.ts';
import {
  addModelVersionOptions,
  checkGroupName,
  type ModelVersionOptions,
  readLocalFile,
  readModelVersionInputs,
} from './model-version-options.ts';
import { formatOption, type OutputFormat } from './output-format.ts';
import { stylesFor } from './terminal-style.ts';

interface RegisterOptions extends ModelVersionOptions {
  group: string;
  trainingData?: string;
  image?: string;
  modelData?: string;
  event: boolean;
  environment: string;
  dataDir: string;
}

interface ListOptions {
  group?: string;
  format: OutputFormat;
  dataDir: string;
}

export function registerRegistryCommand(program: Command): void {
  const registry = program.command('registry').description(COMMAND_SUMMARIES.registry);

  addModelVersionOptions(
    registry
      .command('register')
      .description('register a model version, pending manual approval, and let the gate decide on its event')
      .requiredOption('--group <name>', 'the model package group (created if missing)'),
  )
    .option(
      '--training-data <uri>',
      'the training data: a local file (copied into the data directory) or an s3:// URI in it',
    )
    .option('--image <uri>', 'the inference container image, pinned by digest (what deployments run)')
    .option('--model-data <file>', 'the model artifact the container loads (copied into the data directory)')
    .option('--no-event', 'do not put the event on the bus: print it (JSON) instead')
    .option('--environment <name>', 'environment the policies evaluate for', 'local')
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .addHelpText(
      'after',
      [
        '',
        'Prints the version ARN and the decision; with --no-event, the event SageMaker would send (JSON).',
        'Exit codes: 0 allow (or registered with --no-event), 3 deny, 4 review, 2 bad input or usage, 1 internal error.',
      ].join('\n'),
    )
    .action(async (options: RegisterOptions) => {
      process.exitCode = await register(options);
    });

  registry
    .command('list')
    .description('the model versions in the registry, oldest first, with their approval status')
    .option('--group <name>', 'only this group')
    .addOption(formatOption('text'))
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .action(async (options: ListOptions) => {
      await list(options);
    });
}

async function register(options: RegisterOptions): Promise<number> {
  checkGroupName(options.group);
  const inputs = readModelVersionInputs(options, options.trainingData);
  if (options.modelData !== undefined && options.image === undefined)
    throw new UsageError('--model-data needs --image: the container that loads it');
  if (options.image !== undefined) {
    if (options.image.length > 255) throw new UsageError('--image: at most 255 characters');
    inputs.model = {
      image: options.image,
      ...(options.modelData !== undefined && { data: readLocalFile(options.modelData, 'model data') }),
    };
  }
  const { openLocalRuntimeAt } = await import('../runtime.ts');
  const { registerAndEmit } = await import('../register-version.ts');
  const runtime = openLocalRuntimeAt(options.dataDir, { environment: options.environment });
  try {
    const registered = await registerAndEmit(runtime, options.group, inputs, { emit: options.event });
    if (!options.event) {
      process.stdout.write(`${JSON.stringify(registered.event, null, 2)}\n`);
      return EXIT.ok;
    }
    const { decision, pkg, approvalStatus } = registered;
    if (!decision) throw new Error(`no decision was recorded for ${pkg.arn}`);
    process.stdout.write(
      [
        `registered ${pkg.arn}`,
        `decision   ${stylesFor(process.stdout).outcome(decision.decision, decision.decision)} (${decision.id}), approval status ${approvalStatus}`,
        ...decision.violations.map((v) => `  x ${v.rule} [${v.severity}] ${v.message}`),
        '',
      ].join('\n'),
    );
    return exitCodeFor(decision.decision);
  } catch (error) {
    if (error instanceof ModelRegistryError)
      throw new UsageError(`--group ${options.group}: ${error.message}`);
    throw error;
  } finally {
    await runtime.close();
  }
}

async function list(options: ListOptions): Promise<void> {
  const { existsSync } = await import('node:fs');
  const { join } = await import('node:path');
  // A read: it never creates a store.
  if (!existsSync(join(options.dataDir, 'verdict.db')))
    throw new UsageError(`no registry at ${options.dataDir} (register a version first)`);
  const { openDatabase } = await import('../../adapters/local/sqlite-database.ts');
  const { EmbeddedModelRegistry } = await import('../../adapters/local/sqlite-model-registry.ts');
  const db = openDatabase(join(options.dataDir, 'verdict.db'));
  try {
    const packages = await new EmbeddedModelRegistry(db).listModelPackages(
      options.group === undefined ? {} : { groupName: options.group },
    );
    if (options.format === 'json') {
      process.stdout.write(`${JSON.stringify(packages, null, 2)}\n`);
      return;
    }
    if (!packages.length) {
      process.stdout.write('no model versions\n');
      return;
    }
    const rows = packages.map((p) => [p.groupName, p.version, p.approvalStatus, p.creationTime, p.arn]);
    const header = ['GROUP', 'VERSION', 'STATUS', 'CREATED', 'ARN'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] as string).length)));
    const line = (cells: string[]) =>
      cells
        .map((c, i) => c.padEnd(widths[i] as number))
        .join('  ')
        .trimEnd();
    process.stdout.write(`${[header, ...rows].map(line).join('\n')}\n`);
  } finally {
    db.close();
  }
}
