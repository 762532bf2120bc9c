/** How `verdict check` prints a decision: for people (text), for programs (json), for CI (sarif, junit). */
import type { Decision } from '../../../contracts/decision.ts';
import { renderDecision } from '../../../gates/explain/render-decision.ts';
import { UsageError } from '../exit-codes.ts';
import { stylesFor } from '../terminal-style.ts';
import { decisionToJunit } from './junit.ts';
import { decisionToSarif } from './sarif.ts';

export const DECISION_FORMATS = ['text', 'json', 'sarif', 'junit'] as const;
export type DecisionFormat = (typeof DECISION_FORMATS)[number];

export function decisionFormat(value: string): DecisionFormat {
  if ((DECISION_FORMATS as readonly string[]).includes(value)) return value as DecisionFormat;
  throw new UsageError(`--format ${value}: expected one of ${DECISION_FORMATS.join(', ')}`);
}

export interface DecisionFormatContext {
  /** The file the decision is about (the profile), as SARIF locates its results. */
  artifactUri: string;
  toolVersion: string;
}

export function formatDecision(
  decision: Decision,
  format: DecisionFormat,
  context: DecisionFormatContext,
): string {
  switch (format) {
    case 'text':
      return decisionText(decision);
    case 'json':
      return `${JSON.stringify(decision, null, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(decisionToSarif(decision, context), null, 2)}\n`;
    case 'junit':
      return decisionToJunit(decision, {
        suiteName: `verdict check ${decision.subject.group}`,
      });
  }
}

/** A decision for a person reading `stream`: as wide as it, the outcome line in colour where colour is wanted. */
export function decisionText(decision: Decision, stream: NodeJS.WriteStream = process.stdout): string {
  const outcome = stylesFor(stream).outcome;
  return renderDecision(decision, { width: stream.columns }).replace(/^(ALLOW|DENY|REVIEW): .*$/m, (line) =>
    outcome(decision.decision, line),
  );
}
