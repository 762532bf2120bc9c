import type { Command } from 'commander';
import { grantException, openException } from '../../gates/exceptions/grant-exception.ts';
import { openLocalRuntimeAt } from '../runtime.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { DEFAULT_DATA_DIR } from './data-dir.ts';

interface GrantOptions {
  rule: string;
  model: string;
  reason: string;
  approver: string;
  expires: string;
  dataDir: string;
}

export function registerExceptionCommand(program: Command): void {
  const exception = program.command('exception').description(COMMAND_SUMMARIES.exception);

  exception
    .command('grant')
    .description('record an exception; it lapses on its own at its expiry')
    .requiredOption('--rule <id>', 'the rule waived, e.g. bias.disparate_impact')
    .requiredOption('--model <name-or-arn>', 'a model package group name (all versions) or one package ARN')
    .requiredOption('--reason <text>', 'why the violation is accepted')
    .requiredOption('--approver <who>', 'the person accountable for the exception')
    .requiredOption('--expires <time>', 'RFC 3339 time, e.g. 2027-03-31T00:00:00Z (at most 365 days ahead)')
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .action(async (options: GrantOptions) => {
      const runtime = openLocalRuntimeAt(options.dataDir);
      try {
        const granted = await grantException(
          {
            rule: options.rule,
            subject: options.model,
            reason: options.reason,
            approver: options.approver,
            expiresAt: options.expires,
          },
          runtime.exceptions,
          new Date(),
          runtime.personal,
        );
        process.stdout.write(`${JSON.stringify(await openException(granted, runtime.personal), null, 2)}\n`);
      } finally {
        runtime.close();
      }
    });

  exception
    .command('list')
    .description('list the exceptions recorded for a model, lapsed ones included')
    .requiredOption('--model <name-or-arn>', 'a model package group name or package ARN')
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .action(async (options: { model: string; dataDir: string }) => {
      const runtime = openLocalRuntimeAt(options.dataDir);
      try {
        const now = Date.now();
        const stored = await runtime.exceptions.listFor([options.model]);
        const exceptions = await Promise.all(
          stored.map(async (e) => ({
            ...(await openException(e, runtime.personal)),
            status: Date.parse(e.expiresAt) > now ? 'active' : 'lapsed',
          })),
        );
        process.stdout.write(`${JSON.stringify({ exceptions }, null, 2)}\n`);
      } finally {
        runtime.close();
      }
    });
}
