/**
 * `verdict profile init` on a terminal: asks for each field the flags left unanswered, in the schema's order,
 * with its label, the provision it serves and the values it accepts; a wrong answer is asked again.
 */
import { groupDescription, PROFILE_FIELDS, type ProfileField } from '../../gates/profile/profile-fields.ts';
import { acceptedValues, answerValue, groupIsGiven, isConditional, isRequired } from './profile-answers.ts';
import type { Prompter } from './prompt.ts';

/** Adds an answer for every field still required (and offers the optional ones) to `answers`. */
export async function askMissingFields(answers: Map<string, unknown>, prompter: Prompter): Promise<void> {
  const declined = new Set<string>();
  const accepted = new Set<string>();
  for (const field of PROFILE_FIELDS) {
    if (answers.has(field.path)) continue;
    const { group } = field;
    if (group !== undefined && !isConditional(group) && !groupIsGiven(group, answers)) {
      if (declined.has(group)) continue;
      if (!accepted.has(group)) {
        const include = await askYesNo(prompter, groupDescription(group));
        (include ? accepted : declined).add(group);
        if (!include) continue;
      }
    }
    const inAcceptedGroup = group !== undefined && accepted.has(group) && !field.optional;
    if (inAcceptedGroup || isRequired(field, answers)) {
      answers.set(field.path, await askField(prompter, field, false));
    } else if (field.optional && !isConditional(field.path) && (group === undefined || accepted.has(group))) {
      const value = await askField(prompter, field, true);
      if (value !== undefined) answers.set(field.path, value);
    }
  }
}

async function askYesNo(prompter: Prompter, about: string): Promise<boolean> {
  prompter.say(`\n${about}`);
  for (;;) {
    const answer = (await prompter.ask('  Declare it? yes or no: ')).trim();
    if (answer === 'yes' || answer === 'y') return true;
    if (answer === 'no' || answer === 'n' || answer === '') return false;
  }
}

async function askField(prompter: Prompter, field: ProfileField, optional: boolean): Promise<unknown> {
  prompter.say(`\n${field.label} [${field.path}]`);
  if (field.description) prompter.say(`  ${field.description}`);
  const accepted = acceptedValues(field);
  for (;;) {
    const text = await prompter.ask(`  ${accepted}${optional ? ' (Enter to skip)' : ''}: `);
    if (optional && text.trim() === '') return undefined;
    const value = answerValue(field, text);
    if (value !== undefined) return value;
    prompter.say(`  expected ${accepted}`);
  }
}
