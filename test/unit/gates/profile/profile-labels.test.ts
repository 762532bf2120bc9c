import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { aiSystemProfileSchema } from '../../../../functions/gates/profile/ai-system-profile.ts';
import {
  PROFILE_FIELD_LABELS,
  profileFieldLabel,
} from '../../../../functions/gates/profile/profile-labels.ts';

interface JsonSchemaNode {
  type?: string | string[];
  properties?: Record<string, JsonSchemaNode>;
  anyOf?: JsonSchemaNode[];
}

/** The dotted path of every leaf field the profile schema accepts. */
function leafPaths(node: JsonSchemaNode, prefix = ''): string[] {
  const objects = [node, ...(node.anyOf ?? [])].filter((n) => n.properties);
  if (objects.length === 0) return prefix ? [prefix] : [];
  return objects.flatMap((n) =>
    Object.entries(n.properties ?? {}).flatMap(([key, child]) =>
      leafPaths(child, prefix ? `${prefix}.${key}` : key),
    ),
  );
}

describe('profile field labels', () => {
  const paths = leafPaths(
    z.toJSONSchema(aiSystemProfileSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchemaNode,
  );

  it('label every field of the profile schema, and nothing else', () => {
    expect(paths.length).toBeGreaterThan(30);
    expect([...paths].sort()).toEqual(Object.keys(PROFILE_FIELD_LABELS).sort());
  });

  it('cite the provision an Art. 5 answer feeds', () => {
    expect(profileFieldLabel('art5.crimeRiskSolelyFromProfiling')).toBe(
      'Art. 5(1)(d): crime risk assessed solely by profiling',
    );
    for (const path of paths.filter((p) => p.startsWith('art5.'))) {
      expect(profileFieldLabel(path)).toMatch(/^Art\. 5\(1\)\([a-z]+\)/);
    }
  });

  it('fall back to the path for a field they do not know, including inherited names', () => {
    expect(profileFieldLabel('future.field')).toBe('future.field');
    expect(profileFieldLabel('__proto__')).toBe('__proto__');
    expect(profileFieldLabel('toString')).toBe('toString');
  });
});
