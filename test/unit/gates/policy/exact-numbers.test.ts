/**
 * Governance inputs are read without rounding: the Art. 51(2) threshold (training compute greater than
 * 10^25 FLOPs) decides on the exact number the profile writes, beyond 2^53, through the compiled bundle
 * and through the gate.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { modelPackageStateChangeEventSchema } from '../../../../functions/contracts/model-package-state-change.ts';
import { gateModelPackage } from '../../../../functions/gates/model-registry/model-registry-gate.ts';
import { cachedPolicyEngine, policyBundlePath } from '../../../../functions/gates/policy/engine-cache.ts';
import {
  ExactNumber,
  parseExactJson,
  stringifyExactJson,
} from '../../../../functions/gates/policy/exact-json.ts';
import type { PolicyEngine } from '../../../../functions/gates/policy/policy-engine.ts';
import { classify } from '../../../../functions/gates/profile/classification.ts';
import { parseProfile } from '../../../../functions/gates/profile/parse-profile.ts';
import { canonicalSha256 } from '../../../../functions/shared/hashing.ts';
import { InvalidInputError } from '../../../../functions/shared/validation.ts';
import { gateFixture } from '../../../support/gate-fixture.ts';
import { HARMLESS_PROFILE } from '../../../support/profiles.ts';

const BELOW = '9999999999999999999999999'; // 10^25 − 1
const EXACT = '10000000000000000000000000'; // 10^25
const ABOVE = '10000000000000000000000001'; // 10^25 + 1

/** The harmless profile as a GPAI model whose trainingFlops is written as `flops`, verbatim. */
function gpaiProfileText(flops: string): string {
  const text = JSON.stringify({
    ...HARMLESS_PROFILE,
    gpai: { isGpai: true, trainingFlops: 0, commissionDesignated: false, openWeights: false },
  });
  return text.replace('"trainingFlops":0', `"trainingFlops":${flops}`);
}

let engine: PolicyEngine;
beforeAll(async () => {
  engine = await cachedPolicyEngine(policyBundlePath())();
});

describe('numbers beyond 2^53', () => {
  it('JSON.parse cannot tell the three apart; the exact reader can', () => {
    expect(JSON.parse(BELOW)).toBe(JSON.parse(ABOVE));
    expect(parseExactJson(ABOVE)).toEqual(new ExactNumber(ABOVE));
    expect(parseExactJson('12345')).toBe(12345);
    expect(parseExactJson('0.1')).toBe(0.1);
    expect(stringifyExactJson({ flops: parseExactJson(ABOVE) })).toBe(`{"flops":${ABOVE}}`);
  });

  it.each([
    [BELOW, 'gpai'],
    [EXACT, 'gpai'],
    [ABOVE, 'systemic'],
  ])('trainingFlops %s is %s (Art. 51(2): greater than 10^25)', (flops, tier) => {
    const profile = parseProfile(gpaiProfileText(flops));
    expect(classify(engine, profile, '2026-12-02').gpai).toBe(tier);
  });

  it('the gate decides on the exact number, and the input hash tells them apart', async () => {
    const decisions = [];
    for (const flops of [EXACT, ABOVE]) {
      const f = gateFixture();
      const pkg = await f.register('llm', { profile: gpaiProfileText(flops) });
      const event = modelPackageStateChangeEventSchema.parse(
        f.registry.toStateChangeEvent(pkg, { id: 'evt-1' }),
      );
      const outcome = await gateModelPackage(event, f.deps);
      if (outcome.status !== 'decided') throw new Error(outcome.status);
      decisions.push(outcome.decision);
    }
    expect(decisions.map((d) => d.classification?.gpai)).toEqual(['gpai', 'systemic']);
    expect(decisions[0]?.inputSha256).not.toBe(decisions[1]?.inputSha256);
    expect(canonicalSha256({ flops: parseExactJson(ABOVE) })).toBe(canonicalSha256({ flops: ABOVE }));
  });

  it('refuses a negative exact number with the path of the field', () => {
    let error: unknown;
    try {
      parseProfile(gpaiProfileText(`-${ABOVE}`));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidInputError);
    expect((error as InvalidInputError).problems).toEqual([
      'profile.gpai.trainingFlops: expected a non-negative number',
    ]);
  });
});
