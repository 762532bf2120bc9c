/** `verdict profile init` on a terminal, with the terminal replaced by scripted answers or in-memory streams. */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { aiSystemProfileSchema } from '../../../../functions/gates/profile/ai-system-profile.ts';
import { profileFromAnswers } from '../../../../functions/local/cli/profile-answers.ts';
import { askMissingFields } from '../../../../functions/local/cli/profile-questions.ts';
import { type Prompter, readlinePrompter } from '../../../../functions/local/cli/prompt.ts';

/** A prompter that answers from a script, question by question, and records what it was asked. */
function scripted(answers: string[]): Prompter & { questions: string[]; said: string[] } {
  const questions: string[] = [];
  const said: string[] = [];
  return {
    questions,
    said,
    say: (text) => said.push(text),
    ask: async (question) => {
      questions.push(question);
      const answer = answers.shift();
      if (answer === undefined) throw new Error(`no answer scripted for: ${question}`);
      return answer;
    },
    close: () => undefined,
  };
}

/** Answers for every question a provider of a harmless system is asked, in the schema's order. */
const PROVIDER_ANSWERS = [
  'Churn predictor', // name
  '', // purpose (optional, skipped)
  'provider', // role: no deployerType asked
  'true', // affectsNaturalPersons
  'false', // profiling
  'other', // useCase
  ...Array(8).fill('false'), // art5
  'none', // biometrics.function
  'false', // realtime
  'false', // publiclyAccessibleSpace
  'none', // inferredAttributes
  'other', // setting
  'false', // medicalOrSafetyReason (no law-enforcement questions: not remote identification)
  'null', // annexI.legislation
  'false',
  'false',
  'null', // derogation
  'false',
  'false',
  'false', // transparency
  'false', // isGpai
  'null', // trainingFlops
  'false',
  'false',
  'no', // personalData: not declared
];

describe('profile questions', () => {
  it('ask for every field in the schema order and build a valid profile', async () => {
    const prompter = scripted([...PROVIDER_ANSWERS]);
    const answers = new Map<string, unknown>();
    await askMissingFields(answers, prompter);
    const profile = aiSystemProfileSchema.parse(profileFromAnswers(answers));
    expect(profile).toMatchObject({ name: 'Churn predictor', role: 'provider', useCase: 'other' });
    expect(profile).not.toHaveProperty('deployerType');
    expect(profile).not.toHaveProperty('personalData');
    expect(prompter.questions).toHaveLength(PROVIDER_ANSWERS.length);
    expect(prompter.said).toContain('\nArt. 5(1)(c): social scoring [art5.socialScoring]');
  });

  it('ask again after an answer the field does not take, saying what it takes', async () => {
    const prompter = scripted(['Churn predictor', '', 'vendor', ...PROVIDER_ANSWERS.slice(2)]);
    await askMissingFields(new Map(), prompter);
    expect(prompter.said).toContain('  expected one of: provider, deployer, provider_and_deployer');
  });

  it('ask only for what the flags left out', async () => {
    const answers = new Map<string, unknown>([['name', 'Given by flag']]);
    const prompter = scripted(PROVIDER_ANSWERS.slice(1));
    await askMissingFields(answers, prompter);
    expect(answers.get('name')).toBe('Given by flag');
    expect(prompter.questions).toHaveLength(PROVIDER_ANSWERS.length - 1);
  });

  it('read answers line by line from a stream, and fail when the input ends first', async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const prompter = readlinePrompter(input, output);
    const first = prompter.ask('name: ');
    input.write('CV ranker\n');
    expect(await first).toBe('CV ranker');
    const second = prompter.ask('role: ');
    input.end();
    await expect(second).rejects.toThrow('input ended before every question was answered');
    prompter.close();
    expect(output.read()?.toString()).toContain('name: ');
  });

  it('stop at Ctrl-C on a terminal, rather than wait', async () => {
    const input = Object.assign(new PassThrough(), { isTTY: true, setRawMode: () => undefined });
    const prompter = readlinePrompter(input, new PassThrough());
    const question = prompter.ask('name: ');
    input.write('\u0003');
    await expect(question).rejects.toThrow('interrupted: nothing written');
  });
});
