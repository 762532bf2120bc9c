/**
 * Answers to `verdict profile init`, typed as text (a flag's value or a line at a prompt): how each becomes
 * the JSON value its field takes, which fields are still required, and the profile they make.
 */
import { parseExactJson } from '../../gates/policy/exact-json.ts';
import { PROFILE_FIELDS, type ProfileField } from '../../gates/profile/profile-fields.ts';

/** What a field accepts, in words: `true or false`, `one of: a, b`. */
export function acceptedValues(field: ProfileField): string {
  const nullable = field.nullable ? ', or null' : '';
  switch (field.kind) {
    case 'boolean':
      return 'true or false';
    case 'choice':
      return `one of: ${field.values.join(', ')}${nullable}`;
    case 'choices':
      return `a comma-separated list of: ${field.values.join(', ')} (none for an empty list)`;
    case 'number':
      return `a non-negative number${nullable}`;
    case 'text':
      return `text${nullable}`;
  }
}

/**
 * The JSON value of an answer typed as text; `undefined` when the text is not one the field accepts. The
 * schema still validates the assembled profile: this only turns words into JSON types.
 */
export function answerValue(field: ProfileField, text: string): unknown {
  const answer = text.trim();
  if (field.nullable && answer === 'null') return null;
  switch (field.kind) {
    case 'boolean':
      return answer === 'true' || answer === 'yes'
        ? true
        : answer === 'false' || answer === 'no'
          ? false
          : undefined;
    case 'choice':
      return field.values.includes(answer) ? answer : undefined;
    case 'choices': {
      if (answer === 'none' || answer === '') return [];
      const items = answer.split(',').map((item) => item.trim());
      return items.every((item) => field.values.includes(item)) ? items : undefined;
    }
    case 'number':
      if (!/^\d+(\.\d+)?([eE][+-]?\d+)?$/.test(answer)) return undefined;
      return parseExactJson(answer);
    case 'text':
      return answer === '' ? undefined : answer;
  }
}

/** The profile object of answers keyed by field path. */
export function profileFromAnswers(answers: ReadonlyMap<string, unknown>): Record<string, unknown> {
  const profile: Record<string, unknown> = {};
  for (const field of PROFILE_FIELDS) {
    if (!answers.has(field.path)) continue;
    const keys = field.path.split('.');
    let node = profile;
    for (const key of keys.slice(0, -1)) {
      node[key] ??= {};
      node = node[key] as Record<string, unknown>;
    }
    node[keys.at(-1) as string] = answers.get(field.path);
  }
  return profile;
}

type Answers = ReadonlyMap<string, unknown>;

/** Fields the schema requires only in some cases (its refinements), and when. */
const REQUIRED_WHEN: Readonly<Record<string, (answers: Answers) => boolean>> = {
  deployerType: (answers) => answers.get('role') !== 'provider',
  'biometrics.lawEnforcement': (answers) => answers.get('biometrics.function') === 'remote_identification',
};

/** Whether a field or group is asked for only in the cases where it is required. */
export const isConditional = (pathOrGroup: string): boolean => Object.hasOwn(REQUIRED_WHEN, pathOrGroup);

/** Whether an optional group is in play: required by an answer, or one of its fields answered. */
export function groupIsGiven(group: string, answers: Answers): boolean {
  const condition = REQUIRED_WHEN[group];
  if (condition?.(answers)) return true;
  return PROFILE_FIELDS.some((field) => field.group === group && answers.has(field.path));
}

/** Whether the profile needs an answer for this field, given the answers so far. */
export function isRequired(field: ProfileField, answers: Answers): boolean {
  const condition = REQUIRED_WHEN[field.path];
  if (condition) return condition(answers);
  if (field.optional) return false;
  return field.group === undefined || groupIsGiven(field.group, answers);
}

/** The fields still to answer, in the schema's order. */
export const missingFields = (answers: Answers): ProfileField[] =>
  PROFILE_FIELDS.filter((field) => isRequired(field, answers) && !answers.has(field.path));
