/**
 * `verdict forget --subject ID`: erase a person by crypto-shredding. An erasure entry (their pseudonym only)
 * is appended and their data key destroyed: every field sealed under it (approvals, reasons, API calls,
 * report requests) can no longer be read, and the log still verifies. Then the data directory is cleaned
 * (adapters/local/filesystem-erasure.ts); if the subject id is still found anywhere, the command fails. With
 * `--stack`, the deployed stack's ledger records the erasure and its subject keys table loses the key.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { KMSClient } from '@aws-sdk/client-kms';
import { S3Client } from '@aws-sdk/client-s3';
import type { Command } from 'commander';
import { forgetOnAws } from '../../adapters/aws/ledger/forget.ts';
import { type AwsLedgerClients, LedgerConfigurationError } from '../../adapters/aws/ledger/open.ts';
import { eraseLocalTraces, MIN_SEARCHED_ID_LENGTH } from '../../adapters/local/filesystem-erasure.ts';
import { openLocalLedger } from '../../adapters/local/ledger/sqlite-ledger.ts';
import { forgetSubject } from '../../ledger/erasure.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { DEFAULT_DATA_DIR, requireLedger } from './data-dir.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { addStackOptions } from './stack-option.ts';
import { deployedStack, type StoreOptions } from './stores.ts';

export function registerForgetCommand(program: Command): void {
  addStackOptions(program.command('forget'))
    .description(COMMAND_SUMMARIES.forget)
    .requiredOption('--subject <id>', 'the subject id, as the systems that record it know the person')
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .option('--origin <origin>', 'the log origin (default verdict.local/ledger)')
    .option(
      '--aws',
      'erase in the AWS stores named by the VERDICT_LEDGER_* and VERDICT_SUBJECT_KEYS_* variables',
    )
    .action(async (options: StoreOptions & { subject: string; aws?: boolean }) => {
      if (options.subject.trim() === '') throw new UsageError('--subject must not be empty');
      if (options.aws && options.stack) throw new UsageError('--aws and --stack exclude each other');
      const stack = await deployedStack(options);
      if (stack) return forgetInAws(stack.ledgerOptions('writer'), options.subject);
      if (options.aws) return forgetInAws({ mode: 'writer', clients: environmentClients() }, options.subject);
      requireLedger(options.dataDir);
      const ledger = openLocalLedger({
        dataDir: options.dataDir,
        ...(options.origin ? { origin: options.origin } : {}),
      });
      let result: Awaited<ReturnType<typeof forgetSubject>>;
      try {
        const local = await ledger.open();
        result = await forgetSubject(local.ledger, local.personal, options.subject);
      } finally {
        await ledger.close();
      }
      const traces = eraseLocalTraces(options.dataDir, options.subject);
      process.stdout.write(`${JSON.stringify({ ...result, ...traces }, null, 2)}\n`);
      process.stderr.write(
        `verdict: subject ${result.subject} ${result.keyDestroyed ? 'forgotten: data key destroyed' : 'had no data key'}; erasure recorded as entry ${result.entry.index}\n`,
      );
      for (const file of traces.removed)
        process.stderr.write(`verdict: removed ${file} (it named the subject)\n`);
      if (!traces.searched)
        process.stderr.write(
          `verdict: the subject id is shorter than ${MIN_SEARCHED_ID_LENGTH} characters: the data directory was not searched for it\n`,
        );
      for (const problem of traces.failed) process.stderr.write(`verdict: could not rebuild ${problem}\n`);
      if (traces.remaining.length > 0)
        process.stderr.write(
          `verdict: erasure incomplete: the subject id is still in ${traces.remaining.join(', ')}\n`,
        );
      if (traces.remaining.length > 0 || traces.failed.length > 0) process.exitCode = EXIT.internal;
    });
}

function environmentClients(): AwsLedgerClients {
  return { dynamodb: new DynamoDBClient({}), s3: new S3Client({}), kms: new KMSClient({}) };
}

/** Erasure in the AWS stores: the subject key destroyed and the erasure recorded; no local files to clean. */
async function forgetInAws(ledger: Parameters<typeof forgetOnAws>[0], subject: string): Promise<void> {
  let result: Awaited<ReturnType<typeof forgetOnAws>>;
  try {
    result = await forgetOnAws(ledger, subject);
  } catch (error) {
    if (error instanceof LedgerConfigurationError) throw new UsageError(error.message);
    throw error;
  }
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.stderr.write(
    `verdict: subject ${result.subject} ${result.keyDestroyed ? 'forgotten: data key destroyed' : 'had no data key'}; erasure recorded as entry ${result.entry.index}\n`,
  );
}
