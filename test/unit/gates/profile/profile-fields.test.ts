import { describe, expect, it } from 'vitest';
import { PROFILE_FIELDS, type ProfileField } from '../../../../functions/gates/profile/profile-fields.ts';
import { PROFILE_FIELD_LABELS } from '../../../../functions/gates/profile/profile-labels.ts';

const field = (path: string): ProfileField => {
  const found = PROFILE_FIELDS.find((f) => f.path === path);
  if (!found) throw new Error(`no field ${path}`);
  return found;
};

describe('profile fields', () => {
  it('are every leaf of the schema, each with a label and a description citing what it serves', () => {
    expect(PROFILE_FIELDS.map((f) => f.path).sort()).toEqual(Object.keys(PROFILE_FIELD_LABELS).sort());
    for (const f of PROFILE_FIELDS) expect(f.description, f.path).toMatch(/\S{3}/);
    expect(field('art5.socialScoring').description).toMatch(/^Art\. 5\(1\)\(c\)/);
  });

  it('know each kind, its values and whether it may be null or left out', () => {
    expect(field('role')).toMatchObject({ kind: 'choice', optional: false, nullable: false });
    expect(field('role').values).toEqual(['provider', 'deployer', 'provider_and_deployer']);
    expect(field('derogation')).toMatchObject({ kind: 'choice', nullable: true });
    expect(field('biometrics.inferredAttributes')).toMatchObject({ kind: 'choices' });
    expect(field('gpai.trainingFlops')).toMatchObject({ kind: 'number', nullable: true });
    expect(field('purpose')).toMatchObject({ kind: 'text', optional: true, group: undefined });
    expect(field('personalData.masking')).toMatchObject({ optional: false, group: 'personalData' });
    expect(field('biometrics.lawEnforcement.objective').group).toBe('biometrics.lawEnforcement');
  });
});
