import type { Command } from 'commander';
import { type Decision, decisionSchema } from '../../contracts/decision.ts';
import { parseOrThrow } from '../../shared/validation.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { decisionText } from './formats/decision-format.ts';
import { formatOption, type OutputFormat, printJson } from './output-format.ts';
import { readJsonFile } from './read-json-file.ts';

export function registerExplainCommand(program: Command): void {
  program
    .command('explain')
    .description(COMMAND_SUMMARIES.explain)
    .argument('<decision.json>', 'the decision document')
    .addOption(formatOption('text'))
    .action((file: string, options: { format: OutputFormat }) => {
      const decision = parseOrThrow(decisionSchema, readJsonFile(file, 'decision'), 'decision.invalid');
      // JSON is the decision as validated: what a program reads after checking the document.
      if (options.format === 'json') printJson(decision);
      else process.stdout.write(decisionText(decision as Decision));
    });
}
