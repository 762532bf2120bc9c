/**
 * The deployment gate's facts as the registry, the ledger and the stores give them: the embedded registry,
 * the memory object store and the ledger-backed decision store, all real; the exception store records what
 * it is asked for.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import type { Exception } from '../../../functions/contracts/exception.ts';
import { RegistryDeploymentFacts } from '../../../functions/deployments/registry-facts.ts';
import { artifactDigest } from '../../../functions/gates/model-registry/artifact-digest.ts';
import { revokeDecision } from '../../../functions/gates/revocation/revoke-decision.ts';
import type { ExceptionStore } from '../../../functions/ports/exception-store.ts';
import {
  OVERSIGHT_DOCUMENT,
  OVERSIGHT_SHA256,
  OVERSIGHT_URI,
  REGISTRY_DECISION_ID,
  registryDecision,
} from '../../support/deployment-requests.ts';
import { HARMLESS_PROFILE } from '../../support/profiles.ts';
import { GROUP, type RevocationFixture, revocationFixture } from '../../support/revocation-fixture.ts';

const MODEL = 's3://models/credit-scorer/1/model.tar.gz';
const PROFILE = 's3://governance/credit-scorer/profile.json';
const IMAGE = `111122223333.dkr.ecr.eu-west-1.amazonaws.com/scorer@sha256:${'c'.repeat(64)}`;
const UNKNOWN = 'arn:aws:sagemaker:eu-west-1:000000000000:model-package/nobody/1';

class ListedExceptions implements ExceptionStore {
  readonly asked: (readonly string[])[] = [];
  constructor(private readonly answer: Exception[] = []) {}
  async grant(): Promise<never> {
    throw new Error('not used');
  }
  async listFor(subjects: readonly string[]): Promise<Exception[]> {
    this.asked.push(subjects);
    return this.answer;
  }
  async getException(): Promise<undefined> {
    return undefined;
  }
  async revoke(): Promise<undefined> {
    return undefined;
  }
}

async function fixture(
  options: { profile?: string; digest?: string } = {},
): Promise<RevocationFixture & { facts: RegistryDeploymentFacts; exceptions: ListedExceptions }> {
  const f = await revocationFixture({
    package: {
      approvalStatus: 'Approved',
      containers: [{ image: IMAGE, modelDataUrl: MODEL }],
      ...(options.profile !== undefined && { customerMetadata: { 'verdict:profile': options.profile } }),
    },
    ...(options.digest !== undefined && {
      decision: { subject: { ...registryDecision().subject, artifactDigest: options.digest } },
    }),
  });
  await f.objects.put(MODEL, 'weights');
  await f.objects.put(PROFILE, JSON.stringify(HARMLESS_PROFILE));
  const exceptions = new ListedExceptions();
  const facts = new RegistryDeploymentFacts({
    registry: f.registry,
    objects: f.objects,
    decisions: f.decisions,
    exceptions,
    actions: f.ledger,
  });
  return { ...f, facts, exceptions };
}

describe('RegistryDeploymentFacts', () => {
  it('reads the package once for the digest, profile and exceptions the gate asks for together, and again later', async () => {
    const f = await fixture({ profile: PROFILE });
    const described = vi.spyOn(f.registry, 'describeModelPackage');
    const together = () =>
      Promise.all([f.facts.artifactDigest(f.arn), f.facts.profile(f.arn), f.facts.exceptions(f.arn)]);
    const [digest, profile] = await together();
    expect(digest).toMatch(/^sha256:/);
    expect(profile).not.toBeNull();
    expect(described).toHaveBeenCalledTimes(1);
    await together();
    // Not kept past the read: a later request sees the registry as it is then.
    expect(described).toHaveBeenCalledTimes(2);
  });

  it('has no artifact digest for a package the registry does not know', async () => {
    const { facts } = await fixture();
    expect(await facts.artifactDigest(UNKNOWN)).toBeNull();
  });

  it('recomputes the artifact digest from the bytes stored now', async () => {
    const f = await fixture();
    const pkg = await f.registry.describeModelPackage(f.arn);
    const before = await f.facts.artifactDigest(f.arn);
    expect(before).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(before).toBe(await artifactDigest(pkg as NonNullable<typeof pkg>, f.objects));
    await f.objects.put(MODEL, 'weights, overwritten');
    expect(await f.facts.artifactDigest(f.arn)).not.toBe(before);
  });

  it('reads the approved digest from the approving decision’s subject', async () => {
    const digest = `sha256:${'d'.repeat(64)}`;
    const withDigest = await fixture({ digest });
    expect(await withDigest.facts.approvedDigest(REGISTRY_DECISION_ID)).toBe(digest);
    const without = await fixture();
    expect(await without.facts.approvedDigest(REGISTRY_DECISION_ID)).toBeUndefined();
    expect(await without.facts.approvedDigest('dec-unknown')).toBeUndefined();
  });

  it('knows when the approval was revoked, from the ledger', async () => {
    const f = await fixture();
    expect(await f.facts.revokedAt(REGISTRY_DECISION_ID)).toBeUndefined();
    f.clock.advance(60_000);
    await revokeDecision(REGISTRY_DECISION_ID, 'withdrawn', {
      decisions: f.decisions,
      actions: f.ledger,
      events: f.events,
      registry: f.registry,
      now: f.clock.now,
    });
    expect(await f.facts.revokedAt(REGISTRY_DECISION_ID)).toBe('2026-11-28T10:01:00.000Z');
    expect(await f.facts.revokedAt('dec-other')).toBeUndefined();
  });

  it('parses the profile the package names', async () => {
    const { facts, arn } = await fixture({ profile: PROFILE });
    expect(await facts.profile(arn)).toEqual(HARMLESS_PROFILE);
  });

  it('has no profile when the package names none, names a missing one, or one that does not parse', async () => {
    const none = await fixture();
    expect(await none.facts.profile(none.arn)).toBeNull();
    expect(await none.facts.profile(UNKNOWN)).toBeNull();
    const missing = await fixture({ profile: 's3://governance/nowhere.json' });
    expect(await missing.facts.profile(missing.arn)).toBeNull();
    const garbled = await fixture({ profile: PROFILE });
    await garbled.objects.put(PROFILE, '{"name": "half a profile"');
    expect(await garbled.facts.profile(garbled.arn)).toBeNull();
    const invalid = await fixture({ profile: PROFILE });
    await invalid.objects.put(PROFILE, JSON.stringify({ ...HARMLESS_PROFILE, role: 'bystander' }));
    expect(await invalid.facts.profile(invalid.arn)).toBeNull();
  });

  it('asks for the exceptions of the package’s group and of the package itself', async () => {
    const f = await fixture();
    expect(await f.facts.exceptions(f.arn)).toEqual([]);
    expect(f.exceptions.asked).toEqual([[GROUP, f.arn]]);
  });

  it('asks only for the ARN’s exceptions when the registry does not know the package', async () => {
    const f = await fixture();
    await f.facts.exceptions(UNKNOWN);
    expect(f.exceptions.asked).toEqual([[UNKNOWN]]);
  });

  it('reads an evidence document: the SHA-256 and size of its bytes, undefined when there is none', async () => {
    const f = await fixture();
    await f.objects.put(OVERSIGHT_URI, OVERSIGHT_DOCUMENT);
    expect(await f.facts.evidence(OVERSIGHT_URI)).toEqual({
      sha256: OVERSIGHT_SHA256,
      size: Buffer.byteLength(OVERSIGHT_DOCUMENT),
    });
    await f.objects.put(OVERSIGHT_URI, '');
    expect(await f.facts.evidence(OVERSIGHT_URI)).toEqual({
      sha256: createHash('sha256').update('').digest('hex'),
      size: 0,
    });
    expect(await f.facts.evidence('s3://evidence/nowhere.pdf')).toBeUndefined();
  });
});
