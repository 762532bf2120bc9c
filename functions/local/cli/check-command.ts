/**
 * `verdict check`: the registry gate for CI, as Conftest is for configuration. It evaluates a profile and
 * its evidence with the pinned policy bundle, exactly as the deployed gate would for a new model version,
 * and prints the decision as text, JSON, SARIF or JUnit XML; the exit code is the outcome.
 */
import { relative, resolve } from 'node:path';
import type { Command } from 'commander';
import { ModelRegistryError } from '../../adapters/local/sqlite-model-registry.ts';
import type { Decision } from '../../contracts/decision.ts';
import { GENERATOR } from '../../reports/generator.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { DEFAULT_DATA_DIR } from './data-dir.ts';
import { exitCodeFor, UsageError } from './exit-codes.ts';
import { type DecisionFormat, decisionFormat, formatDecision } from './formats/decision-format.ts';
import {
  addModelVersionOptions,
  checkGroupName,
  groupFromProfile,
  type ModelVersionOptions,
  readModelVersionInputs,
} from './model-version-options.ts';

interface CheckOptions extends ModelVersionOptions {
  data?: string;
  group?: string;
  environment: string;
  format: DecisionFormat;
  record?: boolean;
  dataDir: string;
}

export function registerCheckCommand(program: Command): void {
  addModelVersionOptions(program.command('check').description(COMMAND_SUMMARIES.check))
    .option('--data <file>', 'the training data (CSV, TSV, JSON Lines, Parquet or text), scanned for PII')
    .option('--group <name>', 'the model package group (default: from the profile name)')
    .option('--environment <name>', 'environment the policies evaluate for', 'dev')
    .option(
      '--format <format>',
      'text, json, sarif (SARIF 2.1.0) or junit (JUnit XML)',
      decisionFormat,
      'text',
    )
    .option(
      '--record',
      'register the version in the local registry of --data-dir and record the decision in its ledger',
    )
    .option('--data-dir <dir>', 'with --record: where the embedded stores live', DEFAULT_DATA_DIR)
    .addHelpText(
      'after',
      [
        '',
        'A dry evaluation by default: nothing is written, no ledger entry is made (use --record for one).',
        'Same policy bundle (pinned by its hash), same rules and explanations as the deployed gate.',
        'Exit codes: 0 allow, 3 deny, 4 review, 2 bad input or usage, 1 internal error.',
      ].join('\n'),
    )
    .action(async (options: CheckOptions) => {
      const decision = await check(options);
      const artifactUri = relative(process.cwd(), resolve(options.profile)).split('\\').join('/');
      process.stdout.write(
        formatDecision(decision, options.format, { artifactUri, toolVersion: GENERATOR.version }),
      );
      process.exitCode = exitCodeFor(decision.decision);
    });
}

async function check(options: CheckOptions): Promise<Decision> {
  const inputs = readModelVersionInputs(options, options.data);
  const group = checkGroupName(options.group ?? groupFromProfile(inputs.profile));
  try {
    if (!options.record) {
      const { checkModelVersion } = await import('../check-version.ts');
      return await checkModelVersion(group, inputs, { environment: options.environment });
    }
    const { openLocalRuntimeAt } = await import('../runtime.ts');
    const { registerAndEmit } = await import('../register-version.ts');
    const runtime = openLocalRuntimeAt(options.dataDir, { environment: options.environment });
    try {
      const { decision, pkg } = await registerAndEmit(runtime, group, inputs, { emit: true });
      if (!decision) throw new Error(`no decision was recorded for ${pkg.arn}`);
      return decision;
    } finally {
      await runtime.close();
    }
  } catch (error) {
    if (error instanceof ModelRegistryError) throw new UsageError(`--group ${group}: ${error.message}`);
    throw error;
  }
}
