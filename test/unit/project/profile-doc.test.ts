/**
 * docs/profile.md: every field of the schema has a row, every JSON example validates, and each complete
 * example gets the risk class of its heading; the examples taken from the demo samples are those samples.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cachedPolicyEngine, policyBundlePath } from '../../../functions/gates/policy/engine-cache.ts';
import type { PolicyEngine } from '../../../functions/gates/policy/policy-engine.ts';
import { classify } from '../../../functions/gates/profile/classification.ts';
import { parseProfile } from '../../../functions/gates/profile/parse-profile.ts';
import { PROFILE_FIELDS } from '../../../functions/gates/profile/profile-fields.ts';
import { ROOT } from '../../support/cli.ts';

const page = readFileSync(join(ROOT, 'docs/profile.md'), 'utf8');

/** Each ```json block with the `###` heading it is under. */
const examples = [...page.matchAll(/^```json\n([\s\S]*?)^```$/gm)].map((match) => {
  const before = page.slice(0, match.index);
  const heading = [...before.matchAll(/^### (.+)$/gm)].at(-1)?.[1] ?? '';
  return { heading, json: match[1] as string };
});

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await cachedPolicyEngine(policyBundlePath())();
});

describe('docs/profile.md', () => {
  it('has a row for every field of the profile schema', () => {
    for (const field of PROFILE_FIELDS) expect(page, field.path).toContain(`| \`${field.path}\``);
  });

  it('has a complete example for each risk class, and each gets that class', () => {
    expect(examples.map((e) => e.heading)).toEqual(['Prohibited', 'High', 'Limited', 'Minimal']);
    for (const { heading, json } of examples) {
      const classification = classify(engine, parseProfile(json), '2026-12-07');
      expect(classification.riskClass, heading).toBe(heading.toLowerCase());
    }
  });

  it('shows the demo samples it names as they are', () => {
    const named = [...page.matchAll(/`(functions\/local\/demo\/samples\/[\w.-]+\.json)`/g)].map(
      (m) => m[1] as string,
    );
    expect(named).toHaveLength(2);
    for (const sample of named) {
      const example = examples.find((e) =>
        e.json.includes(JSON.parse(readFileSync(join(ROOT, sample), 'utf8')).name),
      );
      expect(JSON.parse(example?.json ?? 'null'), sample).toEqual(
        JSON.parse(readFileSync(join(ROOT, sample), 'utf8')),
      );
    }
  });
});
