/**
 * The policy bundle is reproducible and pinned: the same sources built in two directories give the same
 * SHA-256, and the gate evaluates only the bundle whose SHA-256 is pinned (VERDICT_POLICY_BUNDLE_SHA256,
 * else the hash the local build recorded); any other bundle, or none pinned, denies with
 * gate.bundle_untrusted.
 */
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { modelPackageStateChangeEventSchema } from '../../../../functions/contracts/model-package-state-change.ts';
import { gateModelPackage } from '../../../../functions/gates/model-registry/model-registry-gate.ts';
import {
  cachedPolicyEngine,
  LOCAL_BUNDLE_PIN,
  policyBundlePath,
} from '../../../../functions/gates/policy/engine-cache.ts';
import { PolicyBundleUntrustedError } from '../../../../functions/gates/policy/errors.ts';
import { buildPolicyBundle } from '../../../../scripts/policy-bundle-build.ts';
import { gateFixture, sample } from '../../../support/gate-fixture.ts';

const POLICIES = fileURLToPath(new URL('../../../../policies/', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'verdict-bundle-'));

/** A copy of the policy sources (without the local build) at `dir`. */
function copySources(dir: string): string {
  mkdirSync(dir, { recursive: true });
  cpSync(POLICIES, dir, { recursive: true, filter: (src) => !src.startsWith(join(POLICIES, 'build')) });
  return dir;
}

let tampered: { path: string; sha256: string };
beforeAll(() => {
  // The same rules, but every family in dry-run: a bundle that would allow anything.
  const sources = copySources(join(work, 'tampered', 'policies'));
  const modes = join(sources, 'verdict', 'config', 'modes', 'data.json');
  const dryRun = Object.fromEntries(
    Object.keys(JSON.parse(readFileSync(modes, 'utf8')).default).map((family) => [family, 'dry-run']),
  );
  writeFileSync(modes, JSON.stringify({ default: dryRun, dev: {}, staging: {}, prod: dryRun }));
  const path = join(work, 'tampered.tar.gz');
  tampered = { path, sha256: buildPolicyBundle(sources, path) };
}, 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const NO_PIN = join(work, 'no-such-pin');

describe('policy bundle build', () => {
  it('gives the same SHA-256 in two different directories, the one the local build recorded', () => {
    const first = buildPolicyBundle(copySources(join(work, 'a', 'policies')), join(work, 'a.tar.gz'));
    const second = buildPolicyBundle(
      copySources(join(work, 'b', 'somewhere', 'else', 'policies')),
      join(work, 'b.tar.gz'),
    );
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(second).toBe(first);
    expect(readFileSync(LOCAL_BUNDLE_PIN, 'utf8').trim()).toBe(first);
  }, 120_000);
});

describe('policy bundle pin', () => {
  it('loads the locally built bundle against the hash its build recorded', async () => {
    const engine = await cachedPolicyEngine(policyBundlePath({}), {})();
    expect(engine.bundle.sha256).toBe(readFileSync(LOCAL_BUNDLE_PIN, 'utf8').trim());
  });

  it('refuses a bundle whose hash is not the pinned one, from the environment or the local build', async () => {
    await expect(cachedPolicyEngine(tampered.path, {})()).rejects.toThrow(PolicyBundleUntrustedError);
    const local = readFileSync(LOCAL_BUNDLE_PIN, 'utf8').trim();
    await expect(
      cachedPolicyEngine(tampered.path, { VERDICT_POLICY_BUNDLE_SHA256: local }, NO_PIN)(),
    ).rejects.toThrow(
      `policy bundle ${tampered.sha256} is not the pinned bundle ${local} (VERDICT_POLICY_BUNDLE_SHA256)`,
    );
    await expect(
      cachedPolicyEngine(policyBundlePath({}), { VERDICT_POLICY_BUNDLE_SHA256: tampered.sha256 })(),
    ).rejects.toThrow(PolicyBundleUntrustedError);
  });

  it('refuses every bundle when none is pinned', async () => {
    await expect(cachedPolicyEngine(policyBundlePath({}), {}, NO_PIN)()).rejects.toThrow(
      /is not pinned: set VERDICT_POLICY_BUNDLE_SHA256/,
    );
  });

  it('evaluates the bundle the environment pins', async () => {
    const engine = await cachedPolicyEngine(tampered.path, {
      VERDICT_POLICY_BUNDLE_SHA256: tampered.sha256,
    })();
    expect(engine.bundle.sha256).toBe(tampered.sha256);
  });

  it('denies with gate.bundle_untrusted when the bundle was tampered with', async () => {
    const f = gateFixture();
    // A package the genuine policy denies (no profile); the tampered bundle would let it through.
    const pkg = await f.register('cv', { report: sample('cv-ranker.analysis.json') });
    const event = modelPackageStateChangeEventSchema.parse(
      f.registry.toStateChangeEvent(pkg, { id: 'evt-1' }),
    );
    const outcome = await gateModelPackage(event, {
      ...f.deps,
      policyEngine: cachedPolicyEngine(tampered.path, {}),
    });
    if (outcome.status !== 'decided') throw new Error(outcome.status);
    expect(outcome.approvalStatus).toBe('Rejected');
    expect(outcome.decision).toMatchObject({
      decision: 'deny',
      policy: { bundleSha256: tampered.sha256, version: 'untrusted' },
      violations: [{ rule: 'gate.bundle_untrusted', severity: 'critical' }],
    });
    expect(outcome.decision.violations[0]?.message).toContain(
      `policy bundle ${tampered.sha256} is not the pinned bundle`,
    );
  });
});
