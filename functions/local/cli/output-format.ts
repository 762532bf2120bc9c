/**
 * `--format text|json`, alike on every command whose output is for people: text to read, JSON for
 * programs. A value outside the two is a usage error naming both (commander's choices).
 */
import { Option } from 'commander';

export const OUTPUT_FORMATS = ['text', 'json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function formatOption(defaultFormat: OutputFormat): Option {
  return new Option('--format <format>', 'output format').choices(OUTPUT_FORMATS).default(defaultFormat);
}

/** The `--json` a command had before `--format`: still accepted, no longer listed. */
export function jsonAliasOption(): Option {
  return new Option('--json', 'same as --format json').hideHelp().implies({ format: 'json' });
}

export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}
