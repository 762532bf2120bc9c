import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Command, Option } from 'commander';
import { EventSnapshotRegistry } from '../../adapters/local/event-snapshot-model-registry.ts';
import { FilesystemObjectStore } from '../../adapters/local/filesystem-object-store.ts';
import { MemoryObjectStore } from '../../adapters/local/memory-object-store.ts';
import { ENVIRONMENTS } from '../../contracts/environment.ts';
import { modelPackageStateChangeEventSchema } from '../../contracts/model-package-state-change.ts';
import { modelPackageFromDescription } from '../../events/model-package-event.ts';
import { PROFILE_METADATA_KEY } from '../../gates/model-registry/governance-inputs.ts';
import { parseOrThrow } from '../../shared/validation.ts';
import { localPolicyEngine } from '../local-policy-engine.ts';
import { gateOneEvent } from '../offline-gate.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { exitCodeFor, UsageError } from './exit-codes.ts';
import { readJsonFile } from './read-json-file.ts';

const PROFILE_URI = 's3://verdict-cli/profile.json';
const BIAS_REPORT_URI = 's3://verdict-cli/analysis.json';

interface GateOptions {
  event: string;
  profile?: string;
  evidence?: string;
  environment: string;
}

export function registerGateCommand(program: Command): void {
  program
    .command('gate')
    .description(COMMAND_SUMMARIES.gate)
    .requiredOption('--event <file>', 'the EventBridge event (JSON)')
    .option('--profile <file>', 'the AI-system profile (JSON); overrides the one the package names')
    .option(
      '--evidence <dir>',
      's3://bucket/key is read from DIR/bucket/key; DIR/analysis.json is the bias report',
    )
    .addOption(
      new Option('--environment <name>', 'environment the policies evaluate for')
        .choices(ENVIRONMENTS)
        .default('dev'),
    )
    .addHelpText('after', '\nExit codes: 0 allow, 3 deny, 4 review, 2 bad input or usage, 1 internal error.')
    .action(async (options: GateOptions) => {
      const decision = await gateOffline(options);
      process.stdout.write(`${JSON.stringify(decision, null, 2)}\n`);
      process.exitCode = exitCodeFor(decision.decision);
    });
}

async function gateOffline(options: GateOptions) {
  const event = parseOrThrow(
    modelPackageStateChangeEventSchema,
    readJsonFile(options.event, 'event'),
    'event.invalid',
  );
  if (options.evidence && !existsSync(options.evidence))
    throw new UsageError(`--evidence ${options.evidence}: no such directory`);
  const objects = new MemoryObjectStore(
    options.evidence ? new FilesystemObjectStore(resolve(options.evidence)) : undefined,
  );
  const pkg = modelPackageFromDescription(event.detail);
  if (options.profile) {
    readJsonFile(options.profile, 'profile');
    await objects.put(PROFILE_URI, readFileSync(options.profile));
    pkg.customerMetadata = { ...pkg.customerMetadata, [PROFILE_METADATA_KEY]: PROFILE_URI };
  }
  const localReport = options.evidence ? join(options.evidence, 'analysis.json') : undefined;
  if (localReport && existsSync(localReport) && !Object.keys(pkg.biasReports).length) {
    await objects.put(BIAS_REPORT_URI, readFileSync(localReport));
    pkg.biasReports = { postTraining: BIAS_REPORT_URI };
  }

  const outcome = await gateOneEvent(event, {
    registry: new EventSnapshotRegistry(pkg),
    objects,
    policyEngine: localPolicyEngine(),
    environment: options.environment,
  });
  if (outcome.status === 'skipped') throw new UsageError(`nothing to gate: ${outcome.reason}`);
  return outcome.decision;
}
