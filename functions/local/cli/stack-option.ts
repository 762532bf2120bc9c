/**
 * `--stack NAME [--region R] [--profile P]`, alike on every command that can reach a deployed stack instead
 * of the data directory: the stack's stores are named by its CloudFormation outputs and reached with the
 * caller's own AWS credentials. `--stack` and `--data-dir` exclude each other (commander's conflicts: a
 * --data-dir given, not its default).
 */
import { type Command, Option } from 'commander';
import { UsageError } from './exit-codes.ts';
import type { StackStores } from './stack-stores.ts';

export interface StackChoice {
  stack?: string;
  region?: string;
  profile?: string;
}

export function addStackOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        '--stack <name>',
        'a deployed Verdict stack (CloudFormation stack name) instead of the data directory',
      ).conflicts('dataDir'),
    )
    .addOption(new Option('--region <region>', "the stack's AWS region (default: your AWS configuration)"))
    .addOption(new Option('--profile <profile>', 'the AWS profile whose credentials reach the stack'));
}

/** The named stack's stores, loaded (with the AWS SDK) only when --stack is given; else undefined. */
export async function openChosenStack(options: StackChoice): Promise<StackStores | undefined> {
  const choice = chosenStack(options);
  if (!choice?.stack) return undefined;
  const { openStackStores } = await import('./stack-stores.ts');
  return openStackStores({ ...choice, stack: choice.stack });
}

/** The stack named, if any; --region or --profile without --stack is a usage error (they would be ignored). */
export function chosenStack(options: StackChoice): StackChoice | undefined {
  if (options.stack !== undefined) {
    if (options.stack.trim() === '') throw new UsageError('--stack must name a stack');
    return options;
  }
  const stray = [options.region && '--region', options.profile && '--profile'].filter(Boolean);
  if (stray.length > 0)
    throw new UsageError(`${stray.join(' and ')} ${stray.length === 1 ? 'goes' : 'go'} with --stack`);
  return undefined;
}
