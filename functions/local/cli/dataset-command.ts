/**
 * `verdict dataset register --manifest FILE --data FILE|s3://…`: the data gate decides on a dataset version
 * (exit 0 allow, 3 deny, 4 review, 2 bad input, before anything is written); the decision goes to the
 * ledger, the data to the local object store, the subject index is built and the version recorded.
 * `verdict dataset list`: the registered versions.
 */
import { join } from 'node:path';
import type { Command } from 'commander';
import { FilesystemObjectStore } from '../../adapters/local/filesystem-object-store.ts';
import type { DatasetVersion } from '../../contracts/dataset-version.ts';
import { parseDatasetManifest } from '../../datasets/parse-manifest.ts';
import { type Registration, registerDataset } from '../../datasets/register-dataset.ts';
import { renderViolation } from '../../gates/explain/render-decision.ts';
import { localPolicyEngine } from '../local-policy-engine.ts';
import { openLocalRuntimeAt } from '../runtime.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { DEFAULT_DATA_DIR, requireLedger } from './data-dir.ts';
import { datasetSource } from './dataset-source.ts';
import { exitCodeFor } from './exit-codes.ts';
import { readJsonFile } from './read-json-file.ts';

const OUTCOME_TEXT = {
  allow: 'ALLOW: the dataset version may be used for training',
  deny: 'DENY: the dataset version may not be used for training',
  review: 'REVIEW: a person must decide before the dataset version is used',
} as const;

export function registerDatasetCommand(program: Command): void {
  const dataset = program.command('dataset').description(COMMAND_SUMMARIES.dataset);
  dataset
    .command('register')
    .description(
      'register a dataset version with its manifest: the data gate decides, the subject index is built',
    )
    .requiredOption('--manifest <file>', 'the dataset manifest (JSON; docs/dataset-manifest.schema.json)')
    .requiredOption('--data <file|uri>', 'the CSV file, or s3://bucket/key in the local object store')
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .option('--json', 'print the decision and the version record as JSON')
    .addHelpText(
      'after',
      '\nExit codes: 0 allow, 3 deny, 4 review, 2 bad input (nothing written), 1 internal error.',
    )
    .action(async (options: { manifest: string; data: string; dataDir: string; json?: boolean }) => {
      const manifest = parseDatasetManifest(readJsonFile(options.manifest, 'manifest'), options.manifest);
      // The data is found before the data directory is opened: bad input writes nothing.
      const objects = new FilesystemObjectStore(join(options.dataDir, 'objects'));
      const source = await datasetSource(options.data, manifest.name, objects);
      const runtime = openLocalRuntimeAt(options.dataDir);
      try {
        const registration = await registerDataset(manifest, source, {
          policyEngine: localPolicyEngine(),
          now: () => new Date(),
          decisions: runtime.decisions,
          versions: runtime.datasets.versions,
          index: runtime.datasets.index,
          hasher: runtime.datasets.hasher(),
        });
        process.stdout.write(
          options.json ? `${JSON.stringify(registration, null, 2)}\n` : registrationText(registration),
        );
        process.exitCode = exitCodeFor(registration.decision.decision);
      } finally {
        await runtime.close();
      }
    });
  dataset
    .command('list')
    .description('list the registered dataset versions, oldest first')
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .option('--json', 'print the version records as JSON')
    .action(async (options: { dataDir: string; json?: boolean }) => {
      requireLedger(options.dataDir);
      const runtime = openLocalRuntimeAt(options.dataDir);
      try {
        const versions = await runtime.datasets.versions.list();
        if (options.json) process.stdout.write(`${JSON.stringify(versions, null, 2)}\n`);
        else
          process.stdout.write(
            versions.length === 0 ? 'no dataset registered\n' : versions.map(versionLine).join(''),
          );
      } finally {
        await runtime.close();
      }
    });
}

function registrationText({ decision, version, indexMs }: Registration): string {
  const index = version.subjectIndex;
  const rate = index && indexMs > 0 ? `, ${Math.round(index.rows / (indexMs / 1000))} rows/s` : '';
  return [
    `Dataset ${version.name} version ${version.id}`,
    OUTCOME_TEXT[decision.decision],
    `Decision      ${decision.id} (gate ${decision.gate}, risk class ${decision.riskClass ?? 'unknown'})`,
    `Policy        version ${decision.policy.version}, bundle sha256:${decision.policy.bundleSha256}`,
    `Data          ${version.uri}`,
    `              sha256:${version.sha256}, ${version.rows} rows, ${version.bytes} bytes`,
    index
      ? `Subject index ${index.rows} rows under key ${index.keyId} (${Math.round(indexMs)} ms${rate})`
      : 'Subject index none: no subject key column in the data',
    '',
    ...(decision.violations.length === 0
      ? ['No violations.']
      : [
          `Violations (${decision.violations.length})`,
          ...decision.violations.flatMap((v) => renderViolation(v)),
        ]),
    '',
  ].join('\n');
}

function versionLine(v: DatasetVersion): string {
  return `${v.id}  ${v.decision.padEnd(6)}  ${String(v.rows).padStart(8)} rows  ${v.registeredAt}  ${v.uri}\n`;
}
