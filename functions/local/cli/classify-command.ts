import type { Command } from 'commander';
import type { Classification } from '../../contracts/classification.ts';
import { parseExactJson } from '../../gates/policy/exact-json.ts';
import { aiSystemProfileSchema } from '../../gates/profile/ai-system-profile.ts';
import { classify, isCalendarDate } from '../../gates/profile/classification.ts';
import { parseOrThrow } from '../../shared/validation.ts';
import { localPolicyEngine } from '../local-policy-engine.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { UsageError } from './exit-codes.ts';
import { formatOption, type OutputFormat, printJson } from './output-format.ts';
import { readJsonFile } from './read-json-file.ts';

interface ClassifyOptions {
  profile: string;
  asOf?: string;
  format: OutputFormat;
}

export function registerClassifyCommand(program: Command): void {
  program
    .command('classify')
    .description(COMMAND_SUMMARIES.classify)
    .requiredOption('--profile <file>', 'the AI-system profile (JSON)')
    .option('--as-of <date>', 'evaluation date, YYYY-MM-DD (default: today, UTC)')
    .addOption(formatOption('json'))
    .addHelpText(
      'after',
      '\nExit codes: 0 classified, 2 invalid profile (every validation error is listed) or usage, 1 internal error.',
    )
    .action(async (options: ClassifyOptions) => {
      const classification = await classifyFile(options);
      if (options.format === 'json') printJson(classification);
      else process.stdout.write(classificationText(classification));
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

/** The classification for people: the class and why, then each obligation with whom it binds and from when. */
function classificationText(c: Classification): string {
  const lines = [
    `risk class    ${c.riskClass}${c.derogated ? ' (derogated under Art. 6(3))' : ''}`,
    `Annex III     ${c.annexIII ?? 'none'}`,
    `GPAI          ${c.gpai}`,
    `transparency  ${c.transparency.length ? c.transparency.map((t) => `Art. ${t}`).join(', ') : 'none'}`,
    `basis         ${c.basis.join(', ') || 'none'}`,
    c.obligations.length ? 'obligations' : 'obligations   none',
    ...c.obligations.map(
      (o) => `  ${o.ref.padEnd(14)} ${o.holder.padEnd(8)} from ${o.appliesFrom}  ${o.title}`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
