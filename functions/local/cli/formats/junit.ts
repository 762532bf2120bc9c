/**
 * A decision as JUnit XML, the test report CI systems (GitHub Actions reporters, CodeBuild test reports,
 * GitLab, Jenkins) display: one test case for the gate's outcome, then one per violation. Violations that
 * decide the outcome (enforced, not waived) are failures; waived ones are skipped; warnings pass with
 * their message in system-out.
 */
import { type Decision, decidesOutcome, type Violation } from '../../../contracts/decision.ts';

export function decisionToJunit(decision: Decision, options: { suiteName: string }): string {
  const cases = [outcomeCase(decision), ...decision.violations.map(violationCase)];
  const failures = cases.filter((c) => c.failure).length;
  const skipped = cases.filter((c) => c.skipped).length;
  const suite = attributes({
    name: options.suiteName,
    tests: cases.length,
    failures,
    errors: 0,
    skipped,
    timestamp: decision.evaluatedAt,
  });
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites ${attributes({ name: 'verdict', tests: cases.length, failures, errors: 0, skipped })}>`,
    `  <testsuite ${suite}>`,
    '    <properties>',
    ...Object.entries({
      decision: decision.decision,
      riskClass: decision.riskClass ?? 'unknown',
      subject: decision.subject.id,
      'policy.bundleSha256': decision.policy.bundleSha256,
      'policy.version': decision.policy.version,
      inputSha256: decision.inputSha256,
    }).map(([name, value]) => `      <property ${attributes({ name, value })}/>`),
    '    </properties>',
    ...cases.map(renderCase),
    '  </testsuite>',
    '</testsuites>',
    '',
  ].join('\n');
}

interface TestCase {
  classname: string;
  name: string;
  failure?: { type: string; message: string; body: string };
  skipped?: string;
  out?: string;
}

function outcomeCase(decision: Decision): TestCase {
  const name = `decision is allow (${decision.subject.group} version ${decision.subject.version})`;
  if (decision.decision === 'allow') return { classname: decision.gate, name };
  const deciding = decision.violations.filter(decidesOutcome).map((v) => v.rule);
  return {
    classname: decision.gate,
    name,
    failure: {
      type: decision.decision,
      message: `decision: ${decision.decision}`,
      body: deciding.length ? `deciding rules: ${deciding.join(', ')}` : 'no rule decided alone',
    },
  };
}

function violationCase(v: Violation): TestCase {
  const classname = v.family ?? v.rule.split('.')[0] ?? 'verdict';
  const detail = `${v.message}\nreference: ${v.reference}\nremediation: ${v.remediation}`;
  if (v.waiver) return { classname, name: v.rule, skipped: `waived by ${v.waiver.id}: ${v.waiver.reason}` };
  if (!decidesOutcome(v)) return { classname, name: v.rule, out: `[${v.mode}] ${detail}` };
  return {
    classname,
    name: v.rule,
    failure: { type: v.severity, message: v.message, body: detail },
  };
}

function renderCase(c: TestCase): string {
  const open = `    <testcase ${attributes({ classname: c.classname, name: c.name })}`;
  if (c.failure)
    return `${open}>\n      <failure ${attributes({ type: c.failure.type, message: c.failure.message })}>${text(c.failure.body)}</failure>\n    </testcase>`;
  if (c.skipped !== undefined)
    return `${open}>\n      <skipped ${attributes({ message: c.skipped })}/>\n    </testcase>`;
  if (c.out !== undefined) return `${open}>\n      <system-out>${text(c.out)}</system-out>\n    </testcase>`;
  return `${open}/>`;
}

function attributes(values: Record<string, string | number>): string {
  return Object.entries(values)
    .map(
      ([name, value]) => `${name}="${text(String(value)).replace(/"/g, '&quot;').replace(/\n/g, '&#10;')}"`,
    )
    .join(' ');
}

/** XML character data: markup escaped, characters XML 1.0 cannot carry dropped. */
export function text(value: string): string {
  return value
    .replace(/[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;');
}
