/**
 * `verdict dlq list|redrive`: the dead letters `verdict serve` kept (deliveries a target could not
 * complete), and delivering them again once the cause is fixed. A redriven letter that succeeds is removed;
 * one that fails again stays, with its attempt count raised.
 */
import type { Command } from 'commander';
import type { DeadLetter } from '../../adapters/local/dead-letters.ts';
import { openLocalRuntimeAt } from '../runtime.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { DEFAULT_DATA_DIR, requireLedger } from './data-dir.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { formatOption, jsonAliasOption, type OutputFormat, printJson } from './output-format.ts';

export function registerDlqCommand(program: Command): void {
  const dlq = program.command('dlq').description(COMMAND_SUMMARIES.dlq);

  dlq
    .command('list')
    .description('list the dead letters, oldest first')
    .addOption(formatOption('text'))
    .addOption(jsonAliasOption())
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .action(async (options: { format: OutputFormat; dataDir: string }) => {
      requireLedger(options.dataDir);
      const runtime = openLocalRuntimeAt(options.dataDir);
      try {
        const letters = await runtime.bus.deadLetters.list();
        if (options.format === 'json') printJson(letters);
        else for (const letter of letters) process.stdout.write(`${describe(letter)}\n`);
        process.stderr.write(`verdict: ${letters.length} dead letter${letters.length === 1 ? '' : 's'}\n`);
      } finally {
        await runtime.close();
      }
    });

  dlq
    .command('redrive')
    .description('deliver dead letters again (all, or those named); each success is removed')
    .option('--id <id...>', 'only these dead letters')
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .action(async (options: { id?: string[]; dataDir: string }) => {
      requireLedger(options.dataDir);
      const runtime = openLocalRuntimeAt(options.dataDir);
      try {
        const store = runtime.bus.deadLetters;
        const letters: DeadLetter[] = [];
        for (const id of options.id ?? []) {
          const letter = await store.get(id);
          if (!letter) throw new UsageError(`--id ${id}: no such dead letter (see verdict dlq list)`);
          letters.push(letter);
        }
        if (!options.id) letters.push(...(await store.list()));
        let failed = 0;
        for (const letter of letters) {
          const delivery = await runtime.bus.redeliver(letter);
          if (delivery.ok) {
            await store.remove(letter.id);
            process.stdout.write(`redriven ${letter.id} (${letter.routeId}, event ${letter.eventId})\n`);
          } else {
            failed += 1;
            await store.noteFailure(letter.id, delivery.error);
            process.stdout.write(
              `failed ${letter.id} (${letter.routeId}, event ${letter.eventId}): ${delivery.error}\n`,
            );
          }
        }
        process.stderr.write(
          `verdict: ${letters.length - failed} of ${letters.length} dead letters redriven${failed ? `; ${failed} kept` : ''}\n`,
        );
        if (failed > 0) process.exitCode = EXIT.internal;
      } finally {
        await runtime.close();
      }
    });
}

function describe(letter: DeadLetter): string {
  return [
    letter.id,
    letter.failedAt,
    letter.routeId,
    `event ${letter.eventId}`,
    `attempts ${letter.attempts}`,
    letter.error,
  ].join('  ');
}
