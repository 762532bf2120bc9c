import type { Command } from 'commander';
import type { Classification } from '../../contracts/classification.ts';
import { parseExactJson } from '../../gates/policy/exact-json.ts';
import { aiSystemProfileSchema } from '../../gates/profile/ai-system-profile.ts';
import { classify, isCalendarDate } from '../../gates/profile/classification.ts';
import { parseOrThrow } from '../../shared/validation.ts';
import { localPolicyEngine } from '../local-policy-engine.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { UsageError } from './exit-codes.ts';
import { readJsonFile } from './read-json-file.ts';

interface ClassifyOptions {
  profile: string;
  asOf?: string;
}

export function registerClassifyCommand(program: Command): void {
  program
    .command('classify')
    .description(COMMAND_SUMMARIES.classify)
    .requiredOption('--profile <file>', 'the AI-system profile (JSON)')
    .option('--as-of <date>', 'evaluation date, YYYY-MM-DD (default: today, UTC)')
    .addHelpText(
      'after',
      '\nExit codes: 0 classified, 2 invalid profile (every validation error is listed) or usage, 1 internal error.',
    )
    .action(async (options: ClassifyOptions) => {
      const classification = await classifyFile(options);
      process.stdout.write(`${JSON.stringify(classification, null, 2)}\n`);
    });
}

async function classifyFile(options: ClassifyOptions): Promise<Classification> {
  const asOf = options.asOf ?? new Date().toISOString().slice(0, 10);
  if (!isCalendarDate(asOf)) throw new UsageError(`--as-of ${asOf}: expected a calendar date YYYY-MM-DD`);
  const profile = parseOrThrow(
    aiSystemProfileSchema,
    readJsonFile(options.profile, 'profile', parseExactJson),
    'profile.invalid',
    'profile',
  );
  const engine = await localPolicyEngine()();
  return classify(engine, profile, asOf);
}
