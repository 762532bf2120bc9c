/**
 * A decision as a SARIF 2.1.0 log (OASIS), the format code-scanning tools read: one result per violation
 * (ruleId = the rule, level from its severity, the message with its remediation), the rules that produced
 * them in `tool.driver.rules`, and the outcome and policy provenance in the run's properties.
 */
import { type Decision, decidesOutcome, type Severity, type Violation } from '../../../contracts/decision.ts';
import { ruleHelpUri } from './rule-help.ts';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
};

export interface SarifOptions {
  /** The file the results are about (the profile), relative to the repository root where possible. */
  artifactUri: string;
  toolVersion: string;
}

export function decisionToSarif(decision: Decision, options: SarifOptions): Record<string, unknown> {
  const rules = uniqueRules(decision.violations);
  const index = new Map(rules.map((v, i) => [v.rule, i]));
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'verdict',
            semanticVersion: options.toolVersion,
            rules: rules.map(ruleDescriptor),
          },
        },
        invocations: [{ executionSuccessful: true }],
        results: decision.violations.map((v) => result(v, index.get(v.rule) ?? 0, options.artifactUri)),
        properties: {
          decision: decision.decision,
          riskClass: decision.riskClass ?? 'unknown',
          subject: decision.subject,
          policy: decision.policy,
          inputSha256: decision.inputSha256,
          evaluatedAt: decision.evaluatedAt,
        },
      },
    ],
  };
}

function uniqueRules(violations: readonly Violation[]): Violation[] {
  const seen = new Map<string, Violation>();
  for (const v of violations) if (!seen.has(v.rule)) seen.set(v.rule, v);
  return [...seen.values()];
}

function ruleDescriptor(v: Violation): Record<string, unknown> {
  return {
    id: v.rule,
    shortDescription: { text: v.reference },
    helpUri: ruleHelpUri(v),
    help: { text: v.remediation },
    defaultConfiguration: { level: LEVEL[v.severity] },
    properties: { reference: v.reference, ...(v.family && { family: v.family }), tags: tags(v) },
  };
}

function tags(v: Violation): string[] {
  return ['governance', ...(v.family ? [v.family] : [])];
}

function result(v: Violation, ruleIndex: number, artifactUri: string): Record<string, unknown> {
  return {
    ruleId: v.rule,
    ruleIndex,
    level: LEVEL[v.severity],
    message: { text: `${v.message} Remediation: ${v.remediation}` },
    locations: [{ physicalLocation: { artifactLocation: { uri: artifactUri }, region: { startLine: 1 } } }],
    properties: {
      severity: v.severity,
      reference: v.reference,
      mode: v.mode ?? 'enforce',
      decidesOutcome: decidesOutcome(v),
      ...(v.waiverRefused && { waiverRefused: v.waiverRefused }),
    },
    // A waived violation is reported, not acted on: SARIF's word for that is a suppression.
    ...(v.waiver && {
      suppressions: [
        { kind: 'external', status: 'accepted', justification: `${v.waiver.id}: ${v.waiver.reason}` },
      ],
    }),
  };
}
