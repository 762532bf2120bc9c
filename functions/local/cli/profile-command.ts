/**
 * `verdict profile validate FILE`: every problem of an AI-system profile, or the classification it gets.
 * `verdict profile init`: writes a profile from one flag per field, asking on a terminal for what is missing.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { type Command, Option } from 'commander';
import type { Classification } from '../../contracts/classification.ts';
import { cachedPolicyEngine, policyBundlePath } from '../../gates/policy/engine-cache.ts';
import { parseExactJson, stringifyExactJson } from '../../gates/policy/exact-json.ts';
import { type AiSystemProfile, aiSystemProfileSchema } from '../../gates/profile/ai-system-profile.ts';
import { classify, isCalendarDate } from '../../gates/profile/classification.ts';
import { PROFILE_FIELDS, type ProfileField } from '../../gates/profile/profile-fields.ts';
import { describeIssues } from '../../shared/validation.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { UsageError } from './exit-codes.ts';
import { formatOption, type OutputFormat } from './output-format.ts';
import { acceptedValues, answerValue, missingFields, profileFromAnswers } from './profile-answers.ts';
import { askMissingFields } from './profile-questions.ts';
import { readlinePrompter } from './prompt.ts';
import { readJsonFile } from './read-json-file.ts';

const REFERENCE = 'docs/profile.md';

/** A field's flag: `art5.socialScoring` is `--art5-social-scoring`. */
export const fieldFlag = (path: string): string =>
  `--${path
    .split('.')
    .map((key) => key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`))
    .join('-')}`;

interface ValidateOptions {
  asOf?: string;
  format: OutputFormat;
}

interface InitOptions {
  out: string;
  force?: boolean;
  asOf?: string;
  [attribute: string]: unknown;
}

export function registerProfileCommand(program: Command): void {
  const profile = program
    .command('profile')
    .description(COMMAND_SUMMARIES.profile)
    .addHelpText('after', `\nEvery field, the provision it serves and examples: ${REFERENCE}`);

  profile
    .command('validate')
    .description('check an AI-system profile against the schema and print the classification it gets')
    .argument('<file>', 'the AI-system profile (JSON)')
    .option('--as-of <date>', 'classify on this date, YYYY-MM-DD (default: today, UTC)')
    .addOption(formatOption('text'))
    .addHelpText(
      'after',
      '\nExit codes: 0 valid, 2 invalid (every problem as `path: message`) or usage, 1 internal error.',
    )
    .action(async (file: string, options: ValidateOptions) => {
      const asOf = evaluationDate(options.asOf);
      const profileJson = readJsonFile(file, 'profile', parseExactJson);
      const classification = await classifyProfile(validProfile(profileJson, file, 'profile'), asOf);
      process.stdout.write(
        options.format === 'json'
          ? `${JSON.stringify({ valid: true, asOf, classification }, null, 2)}\n`
          : `${file}: a valid AI-system profile\n${describeClassification(classification, asOf)}`,
      );
    });

  const init = profile
    .command('init')
    .description(
      'write an AI-system profile: one flag per field; on a terminal, asks for the fields the flags leave out',
    )
    .option('--out <file>', 'where to write the profile', 'profile.json')
    .option('--force', 'overwrite the file if it exists')
    .option('--as-of <date>', 'classify on this date, YYYY-MM-DD (default: today, UTC)');
  const attributes = new Map<string, string>();
  for (const field of PROFILE_FIELDS) {
    const option = new Option(
      `${fieldFlag(field.path)} <value>`,
      `${field.label}: ${acceptedValues(field)}${field.optional || field.group ? ' (optional)' : ''}`,
    );
    attributes.set(field.path, option.attributeName());
    init.addOption(option);
  }
  init
    .addHelpText(
      'after',
      '\nBooleans are true or false, lists comma-separated (none for an empty one); null where a field allows it.\n' +
        `Without a terminal every required field needs its flag. Fields: ${REFERENCE}\n` +
        'Exit codes: 0 written, 2 missing or invalid answers, an existing file without --force, or usage.',
    )
    .action(async (options: InitOptions) => {
      const asOf = evaluationDate(options.asOf);
      if (!options.force && existsSync(options.out)) {
        throw new UsageError(`${options.out} exists; --force overwrites it`);
      }
      const answers = answersFromFlags(options, attributes);
      const missing = missingFields(answers);
      if (missing.length > 0) {
        if (!(process.stdin.isTTY && process.stdout.isTTY)) {
          throw new UsageError(
            `missing ${missing.length} required flag${missing.length === 1 ? '' : 's'} (on a terminal, init asks for them)`,
            missing.map((field) => `${fieldFlag(field.path)}: ${acceptedValues(field)}`),
          );
        }
        const prompter = readlinePrompter(process.stdin, process.stdout);
        prompter.say(`Answer each question about the AI system (every field is explained in ${REFERENCE}).`);
        try {
          await askMissingFields(answers, prompter);
        } finally {
          prompter.close();
        }
      }
      const profileJson = profileFromAnswers(answers);
      const valid = validProfile(profileJson, options.out, 'flag');
      const classification = await classifyProfile(valid, asOf);
      writeProfile(options.out, `${stringifyExactJson(profileJson, 2)}\n`, options.force === true);
      process.stdout.write(`wrote ${options.out}\n${describeClassification(classification, asOf)}`);
    });
}

/** Writes the file; without `force`, only if it does not exist (also when it appeared while init asked). */
function writeProfile(path: string, text: string, force: boolean): void {
  try {
    writeFileSync(path, text, { flag: force ? 'w' : 'wx' });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError(`${path} exists; --force overwrites it`);
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') {
      throw new UsageError(`${path}: cannot be written (${code})`);
    }
    throw error;
  }
}

function evaluationDate(asOf: string | undefined): string {
  const date = asOf ?? new Date().toISOString().slice(0, 10);
  if (!isCalendarDate(date)) throw new UsageError(`--as-of ${date}: expected a calendar date YYYY-MM-DD`);
  return date;
}

function answersFromFlags(
  options: InitOptions,
  attributes: ReadonlyMap<string, string>,
): Map<string, unknown> {
  const answers = new Map<string, unknown>();
  const problems: string[] = [];
  for (const field of PROFILE_FIELDS) {
    const text = options[attributes.get(field.path) as string];
    if (typeof text !== 'string') continue;
    const value = answerValue(field, text);
    if (value === undefined)
      problems.push(`${fieldFlag(field.path)} ${text}: expected ${acceptedValues(field)}`);
    else answers.set(field.path, value);
  }
  if (problems.length > 0) throw new UsageError('invalid answers', problems);
  return answers;
}

/**
 * The profile, or a usage error listing every problem: by JSON path under `profile` for a file, by flag for
 * answers given as flags (a field's own problem; a problem of a whole object keeps its path).
 */
function validProfile(json: unknown, source: string, naming: 'profile' | 'flag'): AiSystemProfile {
  const result = aiSystemProfileSchema.safeParse(json);
  if (result.success) return result.data;
  const problems =
    naming === 'profile'
      ? describeIssues(result.error.issues, 'profile')
      : result.error.issues.map((issue) => {
          const path = issue.path.map(String).join('.');
          const field = PROFILE_FIELDS.find((f: ProfileField) => f.path === path);
          return `${field ? fieldFlag(path) : path || '(root)'}: ${issue.message}`;
        });
  throw new UsageError(
    `${source}: not a valid AI-system profile (${problems.length} problem${problems.length === 1 ? '' : 's'}; fields: ${REFERENCE})`,
    problems,
  );
}

async function classifyProfile(profile: AiSystemProfile, asOf: string): Promise<Classification> {
  const engine = await cachedPolicyEngine(policyBundlePath())();
  return classify(engine, profile, asOf);
}

/** The classification in lines a person reads: the class and its basis, GPAI, Art. 50, each obligation. */
export function describeClassification(classification: Classification, asOf: string): string {
  const { riskClass, basis, gpai, transparency, obligations } = classification;
  const lines = [
    `risk class: ${riskClass}${basis.length > 0 ? ` (${basis.join(', ')})` : ''}`,
    `general-purpose AI: ${gpai}`,
    `transparency: ${transparency.length > 0 ? transparency.map((point) => `Art. ${point}`).join(', ') : 'none'}`,
    `obligations as of ${asOf}: ${obligations.length === 0 ? 'none' : ''}`.trimEnd(),
    ...obligations.map((o) => `  ${o.ref} ${o.title} (${o.holder}, applies from ${o.appliesFrom})`),
  ];
  return `${lines.join('\n')}\n`;
}
