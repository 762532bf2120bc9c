/**
 * The leaf fields of the AI-system profile, read from its zod schema: what `verdict profile init` asks for,
 * one flag or one question each, and how an answer typed as text becomes the JSON value the schema takes.
 */
import type { z } from 'zod';
import { parseExactJson } from '../policy/exact-json.ts';
import { aiSystemProfileSchema } from './ai-system-profile.ts';
import { profileFieldLabel } from './profile-labels.ts';

export type ProfileFieldKind = 'boolean' | 'text' | 'choice' | 'choices' | 'number';

export interface ProfileField {
  /** `art5.socialScoring` */
  readonly path: string;
  readonly kind: ProfileFieldKind;
  /** The allowed values of a `choice`, or of each item of `choices`. */
  readonly values: readonly string[];
  readonly nullable: boolean;
  /** The field itself may be left out. */
  readonly optional: boolean;
  /** The optional object the field belongs to (`personalData`): its fields are required only when it is given. */
  readonly group: string | undefined;
  readonly label: string;
  readonly description: string;
}

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  entries?: Record<string, string>;
}

const defOf = (schema: z.ZodType): Def => (schema as unknown as { _zod: { def: Def } })._zod.def;

function collectFields(
  schema: z.ZodType,
  path: string,
  group: string | undefined,
  description: string,
  flags: { optional: boolean; nullable: boolean },
): ProfileField[] {
  const def = defOf(schema);
  const own = schema.description ?? description;
  switch (def.type) {
    case 'optional':
      return collectFields(def.innerType as z.ZodType, path, group, own, { ...flags, optional: true });
    case 'nullable':
      return collectFields(def.innerType as z.ZodType, path, group, own, { ...flags, nullable: true });
    case 'object': {
      const inner = flags.optional && path !== '' ? path : group;
      return Object.entries(def.shape ?? {}).flatMap(([key, child]) =>
        collectFields(child, path ? `${path}.${key}` : key, inner, '', { optional: false, nullable: false }),
      );
    }
    default: {
      const element = def.type === 'array' ? defOf(def.element as z.ZodType) : undefined;
      const kind: ProfileFieldKind =
        def.type === 'boolean'
          ? 'boolean'
          : def.type === 'string'
            ? 'text'
            : def.type === 'enum'
              ? 'choice'
              : element?.type === 'enum'
                ? 'choices'
                : 'number';
      const values = Object.values((kind === 'choices' ? element?.entries : def.entries) ?? {});
      return [{ path, kind, values, ...flags, group, label: profileFieldLabel(path), description: own }];
    }
  }
}

/** Every leaf field of the profile, in the schema's order. */
export const PROFILE_FIELDS: readonly ProfileField[] = collectFields(
  aiSystemProfileSchema,
  '',
  undefined,
  '',
  {
    optional: false,
    nullable: false,
  },
);

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

/** The description the schema gives an object of the profile (`personalData`), or its path. */
export function groupDescription(group: string): string {
  let schema: z.ZodType = aiSystemProfileSchema;
  for (const key of group.split('.')) {
    let def = defOf(schema);
    while (def.innerType) {
      schema = def.innerType;
      def = defOf(schema);
    }
    schema = def.shape?.[key] as z.ZodType;
  }
  return schema?.description ?? group;
}
