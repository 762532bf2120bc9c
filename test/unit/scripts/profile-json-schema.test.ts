/** docs/profile.schema.json is what the zod schema generates, and says what the validator enforces. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROFILE_FIELDS } from '../../../functions/gates/profile/profile-fields.ts';
import { PROFILE_SCHEMA_PATH, profileJsonSchemaText } from '../../../scripts/profile-json-schema.ts';
import { ROOT } from '../../support/cli.ts';

interface Node {
  title?: string;
  description?: string;
  type?: string;
  properties?: Record<string, Node>;
  anyOf?: Node[];
  additionalProperties?: boolean;
  required?: string[];
  allOf?: { if: unknown; then: unknown }[];
}

const generated = profileJsonSchemaText();
const schema = JSON.parse(generated) as Node;

function nodeAt(path: string): Node {
  return path.split('.').reduce<Node>((node, key) => {
    const object = [node, ...(node.anyOf ?? [])].find((n) => n.properties) ?? node;
    const child = object.properties?.[key];
    if (!child) throw new Error(`no ${key} in the JSON Schema`);
    return child;
  }, schema);
}

describe('the profile JSON Schema', () => {
  it('is checked in as generated (npm run build:profile-schema rewrites it)', () => {
    expect(readFileSync(join(ROOT, PROFILE_SCHEMA_PATH), 'utf8')).toBe(generated);
  });

  it('gives every field a title and a description that cites the provision it serves', () => {
    for (const field of PROFILE_FIELDS) {
      const node = nodeAt(field.path);
      expect(node.title, field.path).toBe(field.label);
      expect(node.description, field.path).toMatch(/Art\.|Annex|GDPR|report|PII/);
    }
    for (const group of ['art5', 'biometrics', 'annexI', 'transparency', 'gpai', 'personalData']) {
      expect(nodeAt(group).description, group).toMatch(/Art/);
    }
  });

  it('is strict as the validator is: no unknown field, the required ones required', () => {
    expect(schema.additionalProperties).toBe(false);
    expect(nodeAt('art5').additionalProperties).toBe(false);
    expect(schema.required).toEqual(
      expect.arrayContaining(['name', 'role', 'useCase', 'art5', 'biometrics', 'gpai']),
    );
    expect(schema.required).not.toContain('purpose');
    expect(schema.required).not.toContain('personalData');
  });

  it('takes any non-negative number of training FLOPs, as the exact reader does', () => {
    expect(nodeAt('gpai.trainingFlops').anyOf).toEqual([{ type: 'number', minimum: 0 }, { type: 'null' }]);
  });

  it('states the two refinements as conditions', () => {
    expect(schema.allOf?.[0]?.then).toEqual({ required: ['deployerType'] });
    expect(nodeAt('biometrics').allOf?.[0]?.then).toEqual({ required: ['lawEnforcement'] });
  });
});
