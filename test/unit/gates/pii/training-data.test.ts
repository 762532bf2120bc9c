/**
 * The model-registry gate scans the training data a package names (verdict:training-data) for PII: unmasked
 * SSNs deny citing US_SSN, unless the profile declares a GDPR legal basis and masking; unreadable training
 * data denies citing Art. 10(2); large objects are sampled within the configured budget.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { modelPackageStateChangeEventSchema } from '../../../../functions/contracts/model-package-state-change.ts';
import type { ModelPackageSnapshot } from '../../../../functions/events/model-package-event.ts';
import {
  PROFILE_METADATA_KEY,
  TRAINING_DATA_METADATA_KEY,
} from '../../../../functions/gates/model-registry/governance-inputs.ts';
import {
  type GateOutcome,
  gateModelPackage,
} from '../../../../functions/gates/model-registry/model-registry-gate.ts';
import type { PolicyEngine } from '../../../../functions/gates/policy/policy-engine.ts';
import { gateFixture, sample, sampleJson } from '../../../support/gate-fixture.ts';

type Fixture = ReturnType<typeof gateFixture>;

const PARQUET = fileURLToPath(new URL('../../../fixtures/pii/customers.parquet', import.meta.url));

const SSN_CSV = [
  'applicant_id,income,ssn,note',
  '1,52000,078-05-1120,first contact by letter',
  '2,61000,219-09-9999,none',
  '3,47000,123-45-6789,none',
].join('\n');

/** Registers a credit-scorer version (allowed on its own) whose training data is `data` at `uri`. */
async function register(
  f: Fixture,
  group: string,
  data: { uri: string; bytes?: Uint8Array | string },
  profileChanges: Record<string, unknown> = {},
): Promise<ModelPackageSnapshot> {
  const profileUri = `s3://governance/${group}/profile.json`;
  const reportUri = `s3://governance/${group}/analysis.json`;
  await f.objects.put(
    profileUri,
    JSON.stringify({ ...sampleJson('credit-scorer.profile.json'), ...profileChanges }),
  );
  await f.objects.put(reportUri, sample('credit-scorer.analysis.json'));
  if (data.bytes !== undefined) await f.objects.put(data.uri, data.bytes);
  await f.registry.createModelPackageGroup(group);
  return f.registry.createModelPackage({
    groupName: group,
    customerMetadata: { [PROFILE_METADATA_KEY]: profileUri, [TRAINING_DATA_METADATA_KEY]: data.uri },
    biasReports: { postTraining: reportUri },
  });
}

async function gate(f: Fixture, pkg: ModelPackageSnapshot, deps: Partial<Fixture['deps']> = {}) {
  const event = modelPackageStateChangeEventSchema.parse(
    f.registry.toStateChangeEvent(pkg, { id: `evt-${pkg.groupName}-${pkg.version}` }),
  );
  const outcome: GateOutcome = await gateModelPackage(event, { ...f.deps, ...deps });
  if (outcome.status !== 'decided') throw new Error(`expected a decision, got ${outcome.status}`);
  return outcome;
}

/** An engine that records the policy input of each evaluation. */
async function spyEngine(f: Fixture, inputs: unknown[]): Promise<() => Promise<PolicyEngine>> {
  const engine = await f.deps.policyEngine();
  const spy = Object.create(engine) as PolicyEngine;
  spy.evaluate = (entrypoint: string, input: unknown) => {
    inputs.push(input);
    return engine.evaluate(entrypoint, input);
  };
  return async () => spy;
}

const piiRules = (outcome: Awaited<ReturnType<typeof gate>>) =>
  outcome.decision.violations
    .filter((v) => v.rule.startsWith('pii.'))
    .map((v) => [v.rule, v.severity, v.reference]);

describe('model-registry gate: PII in the training data', () => {
  it('denies training data with unmasked SSNs, citing US_SSN and the column', async () => {
    const f = gateFixture();
    const pkg = await register(f, 'ssn-data', { uri: 's3://training/credit/train.csv', bytes: SSN_CSV });
    const outcome = await gate(f, pkg);

    expect(outcome.approvalStatus).toBe('Rejected');
    expect(piiRules(outcome)).toEqual([['pii.us_ssn', 'critical', 'US_SSN']]);
    const violation = outcome.decision.violations.find((v) => v.rule === 'pii.us_ssn');
    expect(violation?.message).toContain('holds 3 US Social Security numbers (US_SSN) in column ssn');
    expect(violation?.message).toContain('GDPR Art. 6(1)');
    // The decision never holds a value from the data.
    expect(JSON.stringify(outcome.decision)).not.toMatch(/078-05-1120|219-09-9999|123-45-6789/);
  });

  it('allows the same data when the profile declares a legal basis and masking', async () => {
    const f = gateFixture();
    const pkg = await register(
      f,
      'ssn-declared',
      { uri: 's3://training/credit/train.csv', bytes: SSN_CSV },
      { personalData: { legalBasis: 'contract', masking: true, categories: ['US_SSN'] } },
    );
    const outcome = await gate(f, pkg);
    expect(piiRules(outcome)).toEqual([]);
    expect(outcome.decision.decision).toBe('allow');
    expect(outcome.approvalStatus).toBe('Approved');
  });

  it('still denies when the declaration lacks masking', async () => {
    const f = gateFixture();
    const pkg = await register(
      f,
      'ssn-unmasked',
      { uri: 's3://training/credit/train.csv', bytes: SSN_CSV },
      { personalData: { legalBasis: 'consent', masking: false } },
    );
    const outcome = await gate(f, pkg);
    expect(outcome.approvalStatus).toBe('Rejected');
    expect(piiRules(outcome)).toEqual([['pii.us_ssn', 'critical', 'US_SSN']]);
  });

  it('passes counts, never values, as evidence.pii, and reads Parquet', async () => {
    const f = gateFixture();
    const inputs: unknown[] = [];
    const pkg = await register(f, 'parquet-data', {
      uri: 's3://training/credit/customers.parquet',
      bytes: readFileSync(PARQUET),
    });
    const outcome = await gate(f, pkg, { policyEngine: await spyEngine(f, inputs) });
    const evidence = (inputs[0] as { evidence: { pii: unknown } }).evidence.pii;
    expect(evidence).toMatchObject({
      source: 's3://training/credit/customers.parquet',
      format: 'parquet',
      sampled: false,
      rowsScanned: 6,
      summary: { EMAIL_ADDRESS: 4, PHONE_NUMBER: 6, CREDIT_CARD: 3, US_SSN: 3 },
      columns: { card: { CREDIT_CARD: 3 } },
    });
    expect(JSON.stringify(evidence)).not.toMatch(/4111|@gmail|078-05/);
    expect(piiRules(outcome)).toEqual([
      ['pii.credit_card', 'critical', 'CREDIT_CARD'],
      ['pii.email_address', 'medium', 'EMAIL_ADDRESS'],
      ['pii.phone_number', 'medium', 'PHONE_NUMBER'],
      ['pii.us_ssn', 'critical', 'US_SSN'],
    ]);
  });

  it('samples large training data within the configured budget', async () => {
    const f = gateFixture();
    const inputs: unknown[] = [];
    const rows = Array.from(
      { length: 40_000 },
      (_, i) => `${i},${40_000 + i},${i % 1000 === 0 ? 'mail ann@gmail.com' : 'none'}`,
    );
    const csv = `id,income,note\n${rows.join('\n')}\n`;
    const pkg = await register(f, 'big-data', { uri: 's3://training/credit/big.csv', bytes: csv });
    const started = Date.now();
    await gate(f, pkg, {
      policyEngine: await spyEngine(f, inputs),
      trainingData: { sampleBytes: 64 * 1024 },
    });
    expect(Date.now() - started).toBeLessThan(5000);
    const evidence = (inputs[0] as { evidence: { pii: Record<string, unknown> } }).evidence.pii;
    expect(evidence).toMatchObject({ sampled: true, totalBytes: Buffer.byteLength(csv) });
    expect(evidence.bytesScanned as number).toBeLessThan(70 * 1024);
    expect(evidence.method).toMatch(/^head 32768 bytes \+ 1 line-aligned windows/);
  });

  it('denies training data it cannot read or does not support, citing Art. 10(2)', async () => {
    for (const [group, data] of [
      ['missing-data', { uri: 's3://training/credit/gone.csv' }],
      [
        'excel-data',
        { uri: 's3://training/credit/train.xlsx', bytes: 'PK\u0003\u0004 not a format we read' },
      ],
      ['not-s3', { uri: 'https://example.com/train.csv' }],
    ] as const) {
      const f = gateFixture();
      const outcome = await gate(f, await register(f, group, data));
      expect(outcome.approvalStatus).toBe('Rejected');
      const unreadable = outcome.decision.violations.filter((v) => v.rule === 'evidence.unreadable');
      expect(unreadable.map((v) => [v.reference, v.message])).toEqual([
        [
          'Art. 10(2)',
          `The gate could not read evidence the model package names: training data (verdict:training-data) at ${data.uri}.`,
        ],
      ]);
    }
  });
});
