/**
 * The gate's `inputSha256` is the SHA-256 of the RFC 8785 form of its policy input. Every recorded decision
 * carries one, so the hash of an input must never change: the values below were recorded for the sample
 * models and are pinned.
 */
import { describe, expect, it } from 'vitest';
import { modelPackageStateChangeEventSchema } from '../../../functions/contracts/model-package-state-change.ts';
import { gateModelPackage } from '../../../functions/gates/model-registry/model-registry-gate.ts';
import { ExactNumber } from '../../../functions/gates/policy/exact-json.ts';
import { canonicalSha256, sha256Hex } from '../../../functions/shared/hashing.ts';
import { gateFixture, sample } from '../../support/gate-fixture.ts';

async function inputSha256Of(name: string): Promise<string> {
  const f = gateFixture();
  const pkg = await f.register(name, {
    profile: sample(`${name}.profile.json`),
    report: sample(`${name}.analysis.json`),
  });
  const event = modelPackageStateChangeEventSchema.parse(f.registry.toStateChangeEvent(pkg, { id: 'evt-1' }));
  const outcome = await gateModelPackage(event, f.deps);
  if (outcome.status !== 'decided') throw new Error(outcome.status);
  return outcome.decision.inputSha256;
}

describe('canonicalSha256', () => {
  it.each([
    ['credit-scorer', '3586dcc6e72f3fbab06d1abf061896b3873a5b85cbc77729e477bc5e4beddac6'],
    ['cv-ranker', '5293d8d9e72306ba60f2df751dfbe8bd4da202e4a90ab7717c502a4a1ad4633c'],
    ['citizen-trust-score', '52b723cc71ddd7d500a6dd5183990181b309e21675e051d69bd44a0eb08bcf75'],
  ])('the gate input of the %s sample hashes as recorded', async (name, recorded) => {
    expect(await inputSha256Of(name)).toBe(recorded);
  });

  it('hashes the JSON form: exact numbers as their text, undefined properties left out, keys sorted', () => {
    const canonical = '{"flops":"10000000000000000000000001","z":[1,"é",null]}';
    const value = {
      z: [1, 'é', null],
      flops: new ExactNumber('10000000000000000000000001'),
      note: undefined,
    };
    expect(canonicalSha256(value)).toBe(sha256Hex(canonical));
    expect(canonicalSha256(value)).toBe('d56efdeff11d6cb010aa2939898551dffc8c54a86c760e216fcecb76d6fadee4');
  });

  it('refuses what has no JSON form instead of hashing a stand-in', () => {
    expect(() => canonicalSha256({ x: Number.NaN })).toThrow('NaN is not a JSON number');
    expect(() => canonicalSha256({ x: [Number.POSITIVE_INFINITY] })).toThrow('Infinity is not a JSON number');
    expect(() => canonicalSha256(undefined)).toThrow('value has no JSON form');
    expect(() => canonicalSha256({ s: 'a\ud800b' })).toThrow('lone surrogate');
  });
});
