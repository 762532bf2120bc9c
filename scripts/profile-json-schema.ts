/**
 * The JSON Schema of the AI-system profile (docs/profile.schema.json), generated from its zod schema with
 * zod's `toJSONSchema`: descriptions come from the schema's `.meta()`, titles from the report labels
 * (profile-labels.ts), so the document cannot say something the validator does not enforce.
 */
import { z } from 'zod';
import { aiSystemProfileSchema } from '../functions/gates/profile/ai-system-profile.ts';
import { PROFILE_FIELD_LABELS } from '../functions/gates/profile/profile-labels.ts';

export const PROFILE_SCHEMA_PATH = 'docs/profile.schema.json';

interface ZodDef {
  type: string;
  options?: { _zod: { def: ZodDef } }[];
}

interface JsonSchemaNode {
  title?: string;
  properties?: Record<string, JsonSchemaNode>;
  [keyword: string]: unknown;
}

/** The schema document as JSON text, as it is checked in. */
export function profileJsonSchemaText(): string {
  const schema = z.toJSONSchema(aiSystemProfileSchema, {
    io: 'input',
    target: 'draft-2020-12',
    unrepresentable: 'any',
    override: (ctx) => {
      // trainingFlops is a double or a number too large for one, read exactly (exact-json.ts): in JSON,
      // either is a non-negative number.
      const { def } = (ctx.zodSchema as unknown as { _zod: { def: ZodDef } })._zod;
      if (def.type === 'union' && def.options?.some((option) => option._zod.def.type === 'custom')) {
        delete ctx.jsonSchema.anyOf;
        Object.assign(ctx.jsonSchema, { type: 'number', minimum: 0 });
      }
    },
  }) as JsonSchemaNode;
  addTitles(schema, '');
  addConditions(schema);
  return `${JSON.stringify(schema, null, 2)}\n`;
}

function addTitles(node: JsonSchemaNode, prefix: string): void {
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    const path = prefix ? `${prefix}.${key}` : key;
    const label = PROFILE_FIELD_LABELS[path];
    if (label !== undefined) child.title = label;
    addTitles(child, path);
  }
}

/**
 * The schema's two refinements, as JSON Schema conditions (zod cannot translate a refinement), so that an
 * editor flags them too: deployerType unless the role is provider, and law enforcement for remote
 * identification. A unit test checks them against the zod schema.
 */
function addConditions(schema: JsonSchemaNode): void {
  schema.allOf = [
    {
      if: { properties: { role: { enum: ['deployer', 'provider_and_deployer'] } }, required: ['role'] },
      // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword
      then: { required: ['deployerType'] },
    },
  ];
  const biometrics = schema.properties?.biometrics;
  if (biometrics === undefined) throw new Error('the profile schema has no biometrics');
  biometrics.allOf = [
    {
      if: { properties: { function: { const: 'remote_identification' } }, required: ['function'] },
      // biome-ignore lint/suspicious/noThenProperty: the JSON Schema keyword
      then: { required: ['lawEnforcement'] },
    },
  ];
}
