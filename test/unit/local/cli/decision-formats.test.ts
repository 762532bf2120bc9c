import { describe, expect, it } from 'vitest';
import type { Decision, Violation } from '../../../../functions/contracts/decision.ts';
import { decisionFormat, formatDecision } from '../../../../functions/local/cli/formats/decision-format.ts';
import { decisionToJunit } from '../../../../functions/local/cli/formats/junit.ts';
import { AI_ACT_URI, CLARIFY_METRICS_URI } from '../../../../functions/local/cli/formats/rule-help.ts';
import { decisionToSarif } from '../../../../functions/local/cli/formats/sarif.ts';
import { sarifSchemaErrors } from '../../../support/sarif-schema.ts';
import { elements, parseXml } from '../../../support/xml.ts';

const violation = (rule: string, extra: Partial<Violation> = {}): Violation => ({
  rule,
  severity: 'high',
  message: `${rule} is violated`,
  reference: 'Art. 10(2)(f)',
  remediation: `fix ${rule}`,
  ...extra,
});

const DISPARATE_IMPACT = violation('bias.disparate_impact', {
  family: 'bias',
  reference: 'DI < 0.8',
  message: 'DI for facet <sex> & "female" is 0.62\u0007',
});
const DPPL_WARN = violation('bias.difference_in_positive_proportions', {
  family: 'bias',
  severity: 'medium',
  mode: 'warn',
});
const WAIVED = violation('evidence.obligation_missing', {
  family: 'evidence',
  severity: 'low',
  waiver: { id: 'ex-1', approver: 'dpo', reason: 'documented elsewhere', expiresAt: '2027-01-01T00:00:00Z' },
});
const CITED = violation('pii.found', { reference: 'GDPR, https://gdpr-info.eu/art-9-gdpr/' });

function decision(outcome: Decision['decision'], violations: Violation[]): Decision {
  return {
    id: 'd-1',
    gate: 'model-registry',
    decision: outcome,
    riskClass: 'high',
    violations,
    obligations: [],
    subject: {
      kind: 'model-package',
      id: 'arn:aws:sagemaker:local-1:000000000000:model-package/cv-ranker/1',
      group: 'cv-ranker',
      version: '1',
    },
    policy: {
      bundleSha256: 'ab'.repeat(32),
      version: '0.2.0',
      entrypoint: 'verdict/gates/model_registry/decision',
    },
    inputSha256: 'cd'.repeat(32),
    evaluatedAt: '2026-12-07T10:00:00.000Z',
    trigger: { eventId: 'e-1', source: 'aws.sagemaker', detailType: 'SageMaker Model Package State Change' },
  };
}

const DENY = decision('deny', [
  DISPARATE_IMPACT,
  DPPL_WARN,
  WAIVED,
  CITED,
  { ...DISPARATE_IMPACT, message: 'again' },
]);
const CONTEXT = { artifactUri: 'models/cv-ranker/profile.json', toolVersion: '0.1.0' };

type SarifRun = {
  tool: { driver: { name: string; rules: { id: string; helpUri: string; help: { text: string } }[] } };
  results: {
    ruleId: string;
    ruleIndex: number;
    level: string;
    message: { text: string };
    suppressions?: { kind: string }[];
    locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
  }[];
  properties: { decision: string };
};

describe('SARIF', () => {
  const log = decisionToSarif(DENY, CONTEXT) as { version: string; runs: SarifRun[] };
  const [run] = log.runs as [SarifRun];

  it('is a valid SARIF 2.1.0 log (the OASIS JSON schema)', () => {
    expect(log.version).toBe('2.1.0');
    expect(sarifSchemaErrors(log)).toEqual([]);
    expect(sarifSchemaErrors(decisionToSarif(decision('allow', []), CONTEXT))).toEqual([]);
    // The schema does check: a level SARIF does not know is refused.
    const broken = structuredClone(log) as { runs: { results: { level: string }[] }[] };
    (broken.runs[0]?.results[0] as { level: string }).level = 'fatal';
    expect(sarifSchemaErrors(broken)).not.toEqual([]);
  });

  it('has one result per violation: the rule id, the level from the severity, the remediation in the message', () => {
    expect(run.results.map((r) => [r.ruleId, r.level])).toEqual([
      ['bias.disparate_impact', 'error'],
      ['bias.difference_in_positive_proportions', 'warning'],
      ['evidence.obligation_missing', 'note'],
      ['pii.found', 'error'],
      ['bias.disparate_impact', 'error'],
    ]);
    expect(run.results[0]?.message.text).toBe(
      `${DISPARATE_IMPACT.message} Remediation: fix bias.disparate_impact`,
    );
    expect(run.results[0]?.locations[0]?.physicalLocation.artifactLocation.uri).toBe(CONTEXT.artifactUri);
  });

  it('describes each rule once, with where its reference can be read', () => {
    const rules = run.tool.driver.rules;
    expect(rules.map((r) => r.id)).toEqual([
      'bias.disparate_impact',
      'bias.difference_in_positive_proportions',
      'evidence.obligation_missing',
      'pii.found',
    ]);
    expect(rules.map((r) => r.helpUri)).toEqual([
      CLARIFY_METRICS_URI,
      CLARIFY_METRICS_URI,
      AI_ACT_URI,
      'https://gdpr-info.eu/art-9-gdpr/',
    ]);
    expect(run.results.map((r) => rules[r.ruleIndex]?.id)).toEqual(run.results.map((r) => r.ruleId));
    expect(rules[0]?.help.text).toBe('fix bias.disparate_impact');
  });

  it('reports a waived violation as suppressed, and the outcome in the run properties', () => {
    expect(run.results.map((r) => r.suppressions?.[0]?.kind ?? null)).toEqual([
      null,
      null,
      'external',
      null,
      null,
    ]);
    expect(run.properties.decision).toBe('deny');
  });
});

describe('JUnit XML', () => {
  const root = parseXml(decisionToJunit(DENY, { suiteName: 'verdict check cv-ranker' }));
  const cases = elements(root, 'testcase');

  it('is one suite with a test case for the outcome and one per violation', () => {
    expect(root.tag).toBe('testsuites');
    const [suite] = elements(root, 'testsuite');
    expect(suite?.attributes).toMatchObject({
      name: 'verdict check cv-ranker',
      tests: '6',
      failures: '4',
      skipped: '1',
      errors: '0',
    });
    expect(cases.map((c) => [c.attributes.classname, c.attributes.name])).toEqual([
      ['model-registry', 'decision is allow (cv-ranker version 1)'],
      ['bias', 'bias.disparate_impact'],
      ['bias', 'bias.difference_in_positive_proportions'],
      ['evidence', 'evidence.obligation_missing'],
      ['pii', 'pii.found'],
      ['bias', 'bias.disparate_impact'],
    ]);
  });

  it('fails the enforced violations, skips the waived ones and lets warnings pass with their message', () => {
    const outcome = cases.map((c) => c.children.map((child) => child.tag).join(',') || 'pass');
    expect(outcome).toEqual(['failure', 'failure', 'system-out', 'skipped', 'failure', 'failure']);
    const failure = elements(cases[1] as never, 'failure')[0];
    // Markup in a message survives the round trip; a character XML cannot carry is dropped.
    expect(failure?.attributes).toEqual({ type: 'high', message: 'DI for facet <sex> & "female" is 0.62' });
    expect(failure?.text).toBe(
      'DI for facet <sex> & "female" is 0.62\nreference: DI < 0.8\nremediation: fix bias.disparate_impact',
    );
    expect(elements(cases[0] as never, 'failure')[0]?.attributes).toEqual({
      type: 'deny',
      message: 'decision: deny',
    });
  });

  it('an allow is one passing test case', () => {
    const allow = parseXml(decisionToJunit(decision('allow', []), { suiteName: 's' }));
    expect(elements(allow, 'testcase').map((c) => c.children.length)).toEqual([0]);
    expect(elements(allow, 'testsuite')[0]?.attributes.failures).toBe('0');
  });
});

describe('--format', () => {
  it('takes text, json, sarif and junit, and names them when given anything else', () => {
    expect(['text', 'json', 'sarif', 'junit'].map(decisionFormat)).toEqual([
      'text',
      'json',
      'sarif',
      'junit',
    ]);
    expect(() => decisionFormat('xml')).toThrow('--format xml: expected one of text, json, sarif, junit');
  });

  it('prints JSON as the decision itself and text as `verdict explain` does', () => {
    expect(JSON.parse(formatDecision(DENY, 'json', CONTEXT))).toEqual(DENY);
    expect(formatDecision(DENY, 'text', CONTEXT)).toContain('DENY: the model version is rejected');
  });
});
