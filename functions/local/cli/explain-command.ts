import type { Command } from 'commander';
import { type Decision, decisionSchema } from '../../contracts/decision.ts';
import { renderDecision } from '../../gates/explain/render-decision.ts';
import { parseOrThrow } from '../../shared/validation.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { readJsonFile } from './read-json-file.ts';

export function registerExplainCommand(program: Command): void {
  program
    .command('explain')
    .description(COMMAND_SUMMARIES.explain)
    .argument('<decision.json>', 'the decision document')
    .action((file: string) => {
      const decision = parseOrThrow(decisionSchema, readJsonFile(file, 'decision'), 'decision.invalid');
      process.stdout.write(renderDecision(decision as Decision, { width: process.stdout.columns }));
    });
}
