/**
 * `verdict erasure locate --subject-key VALUE`: every registered dataset version and row count holding the
 * person, through the subject index (a keyed hash; the value is never printed, logged or stored). `-` reads
 * the value from standard input, keeping it out of the process list and the shell history.
 */
import type { Command } from 'commander';
import { locateSubject } from '../../datasets/locate-subject.ts';
import { openLocalRuntimeAt } from '../runtime.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { DEFAULT_DATA_DIR, requireLedger } from './data-dir.ts';
import { UsageError } from './exit-codes.ts';

export function registerErasureCommand(program: Command): void {
  const erasure = program.command('erasure').description(COMMAND_SUMMARIES.erasure);
  erasure
    .command('locate')
    .description('list the dataset versions and rows holding a person, by a subject key value')
    .requiredOption(
      '--subject-key <value>',
      'the subject key value (e.g. an applicant id); - reads it from stdin',
    )
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .option('--json', 'print the holdings as JSON')
    .action(async (options: { subjectKey: string; dataDir: string; json?: boolean }) => {
      const value = options.subjectKey === '-' ? await readStdin() : options.subjectKey;
      if (value.trim() === '') throw new UsageError('--subject-key must not be empty');
      requireLedger(options.dataDir);
      const runtime = openLocalRuntimeAt(options.dataDir);
      try {
        const { versions, index } = runtime.datasets;
        const holdings = await locateSubject(value, { hasher: runtime.datasets.hasher(), index, versions });
        if (options.json) {
          const out = holdings.map(({ datasetVersionId, version, rows }) => ({
            datasetVersionId,
            uri: version?.uri ?? null,
            rows,
          }));
          process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
          return;
        }
        if (holdings.length === 0) {
          process.stdout.write('no dataset holds this subject\n');
          return;
        }
        for (const { datasetVersionId, version, rows } of holdings)
          process.stdout.write(
            `${datasetVersionId}  ${rows.length} row${rows.length === 1 ? '' : 's'}  ${version?.uri ?? '(no version record)'}\n`,
          );
      } finally {
        await runtime.close();
      }
    });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}
