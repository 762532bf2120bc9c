import type { Command } from 'commander';
import type { Decision } from '../../gates/decision.ts';
import { decisionSchema } from '../../gates/decision-schema.ts';
import { renderDecision } from '../../gates/explain/render-decision.ts';
import { parseOrThrow } from '../../shared/validation.ts';
import { readJsonFile } from './read-json-file.ts';

export function registerExplainCommand(program: Command): void {
  program
    .command('explain')
    .description('render a decision (JSON, as `verdict gate` prints it) as text for a human reviewer')
    .argument('<decision.json>', 'the decision document')
    .action((file: string) => {
      const decision = parseOrThrow(decisionSchema, readJsonFile(file, 'decision'), 'decision.invalid');
      process.stdout.write(renderDecision(decision as Decision, { width: process.stdout.columns }));
    });
}
