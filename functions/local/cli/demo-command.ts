import { join } from 'node:path';
import type { Command } from 'commander';
import { renderViolation } from '../../gates/explain/render-decision.ts';
import { type DemoResult, runDemo } from '../demo/run-demo.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { DEFAULT_DATA_DIR } from './data-dir.ts';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description(COMMAND_SUMMARIES.demo)
    .option(
      '--data-dir <dir>',
      'where the demo keeps its stores (reset on each run)',
      join(DEFAULT_DATA_DIR, 'demo'),
    )
    .option('--json', 'print the decisions as JSON')
    .action(async (options: { dataDir: string; json?: boolean }) => {
      const { results, redelivery, ledger } = await runDemo(options.dataDir);
      if (options.json) {
        process.stdout.write(
          `${JSON.stringify(
            results.map((r) => r.decision),
            null,
            2,
          )}\n`,
        );
        return;
      }
      const policy = results[0]?.decision.policy;
      const lines = [
        `Verdict demo: ${results.length} model versions registered in the embedded model registry`,
        `policy bundle ${policy?.version} sha256:${policy?.bundleSha256}`,
        '',
        ...results.flatMap(render),
        redelivery,
        '',
        `Audit ledger: ${ledger.size} entries (decisions and the actions they caused), signed checkpoint:`,
        ...ledger.note
          .trimEnd()
          .split('\n')
          .map((line) => `  ${line}`),
        '',
        `Decisions are stored in ${options.dataDir}. Verify the ledger offline with:`,
        `  npx verdict ledger export --data-dir ${options.dataDir} --out ledger-export && npx verdict ledger verify ledger-export --key '${ledger.vkey}'`,
        'Browse the decisions with:',
        `  npx verdict serve --data-dir ${options.dataDir}   then GET http://127.0.0.1:8787/decisions`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
    });
}

function render(result: DemoResult): string[] {
  const { decision } = result;
  const head = `${result.group} v${decision.subject.version} (${result.story}): ${decision.decision.toUpperCase()} -> ${result.approvalStatus}, risk class ${decision.riskClass ?? 'unknown'}`;
  return [head, `  decision ${decision.id}`, ...decision.violations.flatMap((v) => renderViolation(v)), ''];
}
