/**
 * `verdict forget --subject ID`: erase a person by crypto-shredding. Their data key is destroyed and an
 * erasure entry (their pseudonym only) is appended; the log still verifies, their details can no longer be read.
 */
import type { Command } from 'commander';
import { openLocalLedger } from '../../adapters/local/ledger-local.ts';
import { forgetSubject } from '../../ledger/erasure.ts';
import { DEFAULT_DATA_DIR } from './data-dir.ts';
import { UsageError } from './exit-codes.ts';

export function registerForgetCommand(program: Command): void {
  program
    .command('forget')
    .description('erase a person: destroy their data key and record the erasure in the ledger')
    .requiredOption('--subject <id>', 'the subject id, as the systems that record it know the person')
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .option('--origin <origin>', 'the log origin (default verdict.local/ledger)')
    .action(async (options: { subject: string; dataDir: string; origin?: string }) => {
      if (options.subject.trim() === '') throw new UsageError('--subject must not be empty');
      const local = await openLocalLedger({
        dataDir: options.dataDir,
        ...(options.origin ? { origin: options.origin } : {}),
      });
      try {
        const result = await forgetSubject(local.ledger, local.personal, options.subject);
        process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
        process.stderr.write(
          `verdict: subject ${result.subject} ${result.keyDestroyed ? 'forgotten: data key destroyed' : 'had no data key'}; erasure recorded as entry ${result.entry.index}\n`,
        );
      } finally {
        await local.close();
      }
    });
}
