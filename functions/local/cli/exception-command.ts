import type { Command } from 'commander';
import { type Exception, type ExceptionStatus, exceptionStatusAt } from '../../contracts/exception.ts';
import { bundleRuleCatalogue } from '../../gates/exceptions/bundle-rule-catalogue.ts';
import { ExceptionRefusedError } from '../../gates/exceptions/errors.ts';
import { grantException, openException } from '../../gates/exceptions/grant-exception.ts';
import { revokeException } from '../../gates/exceptions/revoke-exception.ts';
import { PolicyBundleError } from '../../gates/policy/errors.ts';
import type { FieldNamer } from '../../shared/validation.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { DEFAULT_DATA_DIR } from './data-dir.ts';
import { UsageError } from './exit-codes.ts';
import { flagName } from './options.ts';
import { formatOption, type OutputFormat, printJson } from './output-format.ts';
import { addStackOptions } from './stack-option.ts';
import { type StoreOptions, withRecords } from './stores.ts';

interface GrantOptions extends StoreOptions {
  rule: string;
  model: string;
  reason: string;
  approver: string;
  expires: string;
}

interface RevokeOptions extends StoreOptions {
  reason: string;
  approver: string;
}

/** An exception's fields as this command names them: the model is `--model`, the id the ID argument. */
const exceptionFlag: FieldNamer = (field) =>
  field === 'subject' ? '--model' : field === 'id' ? 'ID' : flagName(field);

/** Runs `work`, rewording a refusal in the command's own terms. */
async function worded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ExceptionRefusedError) throw error.worded(exceptionFlag);
    if (error instanceof PolicyBundleError) throw new UsageError(error.message);
    throw error;
  }
}

export function registerExceptionCommand(program: Command): void {
  const exception = program.command('exception').description(COMMAND_SUMMARIES.exception);

  addStackOptions(exception.command('grant'))
    .description('record an exception; it lapses on its own at its expiry')
    .requiredOption(
      '--rule <id>',
      'the rule waived, e.g. bias.disparate_impact (see `verdict exception rules`)',
    )
    .requiredOption('--model <name-or-arn>', 'a model package group name (all versions) or one package ARN')
    .requiredOption('--reason <text>', 'why the violation is accepted')
    .requiredOption('--approver <who>', 'the person accountable for the exception')
    .requiredOption('--expires <time>', 'RFC 3339 time, e.g. 2027-03-31T00:00:00Z (at most 365 days ahead)')
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .action(async (options: GrantOptions) => {
      await withRecords(options, 'writer', async (stores) => {
        const granted = await worded(async () =>
          grantException(
            {
              rule: options.rule,
              subject: options.model,
              reason: options.reason,
              approver: options.approver,
              expiresAt: options.expires,
            },
            stores.exceptions,
            new Date(),
            stores.sealer,
            { rules: await bundleRuleCatalogue(), ...stores.models },
          ),
        );
        process.stdout.write(`${JSON.stringify(await openException(granted, stores.sealer), null, 2)}\n`);
      });
    });

  addStackOptions(exception.command('revoke'))
    .description('end an exception now: the gate stops applying it, the ledger records who and why')
    .argument('<id>', 'the exception id (see `verdict exception list`)')
    .requiredOption('--reason <text>', 'why the exception ends early')
    .requiredOption('--approver <who>', 'the person accountable for the revocation')
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .action(async (id: string, options: RevokeOptions) => {
      await withRecords(options, 'writer', async (stores) => {
        const revoked = await worded(() =>
          revokeException(
            { id, reason: options.reason, approver: options.approver },
            stores.exceptions,
            new Date(),
            stores.sealer,
          ),
        );
        process.stdout.write(`${JSON.stringify(await openException(revoked, stores.sealer), null, 2)}\n`);
      });
    });

  addStackOptions(exception.command('list'))
    .description('list the exceptions recorded for a model, lapsed and revoked ones included')
    .requiredOption('--model <name-or-arn>', 'a model package group name or package ARN')
    .addOption(formatOption('json'))
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .action(async (options: StoreOptions & { model: string; format: OutputFormat }) => {
      const exceptions = await withRecords(options, 'read-only', async (stores) => {
        const now = new Date();
        const stored = await stores.exceptions.listFor([options.model]);
        return Promise.all(
          stored.map(async (e) => ({
            ...(await openException(e, stores.sealer)),
            status: exceptionStatusAt(e, now),
          })),
        );
      });
      if (options.format === 'json') printJson({ exceptions });
      else process.stdout.write(exceptionsText(exceptions));
    });

  exception
    .command('rules')
    .description('list the rules an exception can waive, and those it never can, from the policy bundle')
    .action(async () => {
      const catalogue = await worded(() => bundleRuleCatalogue());
      const nonWaivable = catalogue.rules
        .map((rule) => ({ rule, reason: catalogue.refusal(rule) }))
        .filter((r) => r.reason !== undefined);
      process.stdout.write(`${JSON.stringify({ waivable: catalogue.waivable(), nonWaivable }, null, 2)}\n`);
    });
}

/** One exception a line: its id, status, rule and subject, until when, who approved it and why. */
function exceptionsText(exceptions: readonly (Exception & { status: ExceptionStatus })[]): string {
  if (exceptions.length === 0) return 'no exceptions\n';
  return exceptions
    .map(
      (e) =>
        `${e.id}  ${e.status.padEnd(7)}  ${e.rule}  ${e.subject}  until ${e.expiresAt}  approved by ${e.approver}: ${e.reason}${e.revokedAt ? `; revoked ${e.revokedAt} by ${e.revokedBy ?? '?'}: ${e.revocationReason ?? ''}` : ''}\n`,
    )
    .join('');
}
