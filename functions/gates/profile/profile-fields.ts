/**
 * The leaf fields of the AI-system profile, read from its zod schema with their labels and descriptions:
 * what `verdict profile init` asks for, one flag or one question each.
 */
import type { z } from 'zod';
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
