/**
 * The gate's fault matrix as figures (`npx tsx bench/gate-faults.ts`): runs test/integration/gate-faults.test.ts
 * (the real Lambda handler against the AWS emulator, faults injected into its SDK clients) and writes what
 * each scenario observed to bench/results/gate-faults.json: deliveries until success, faults injected,
 * decisions in the ledger (want 1), status updates applied, events delivered, duplicate events (the
 * at-least-once cases: a lost PutEvents answer, a publish not recorded) and wrong statuses (want 0).
 */
import type { TestCase } from 'vitest/node';
import { startVitest } from 'vitest/node';
import type { FaultSummary } from '../test/support/fault-injection.ts';
import { table, writeResult } from './support.ts';

const TEST_FILE = 'test/integration/gate-faults.test.ts';

export async function runGateFaults(): Promise<boolean> {
  const scenarios: (FaultSummary & { passed: boolean })[] = [];
  const started = process.hrtime.bigint();
  const vitest = await startVitest('test', [TEST_FILE], {
    project: 'integration',
    watch: false,
    reporters: [
      {
        onTestCaseResult(testCase: TestCase) {
          const summary = testCase.meta().faultSummary;
          if (summary) scenarios.push({ ...summary, passed: testCase.result().state === 'passed' });
        },
      },
    ],
  });
  await vitest.close();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;

  const totals = {
    scenarios: scenarios.length,
    failed: scenarios.filter((s) => !s.passed).length,
    duplicates: scenarios.reduce((n, s) => n + s.duplicates, 0),
    wrongStatuses: scenarios.reduce((n, s) => n + s.wrongStatus, 0),
    decisionsOtherThanOne: scenarios.filter((s) => s.decisions !== 1).length,
    seconds: Math.round(seconds * 10) / 10,
  };
  console.log(
    table(
      'gate fault matrix (real handler, emulator, SDK middleware faults)',
      ['scenario', 'runs', 'faults', 'decisions', 'decision', 'updates', 'events', 'duplicates', 'wrong'],
      scenarios.map((s) => [
        s.scenario,
        String(s.runs),
        String(s.faults),
        String(s.decisions),
        s.decision,
        String(s.statusUpdates),
        String(s.events),
        String(s.duplicates),
        String(s.wrongStatus),
      ]),
    ),
  );
  console.log(`\n${JSON.stringify(totals)}`);
  console.log(`-> ${writeResult('gate-faults', { totals, scenarios })}`);
  return totals.failed === 0 && scenarios.length > 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.exitCode = (await runGateFaults()) ? 0 : 1;
}
