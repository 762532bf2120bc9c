/** Option values the commands read alike: repeatable options and trusted verifier keys. */
import fs from 'node:fs';
import { parseVerifierKey } from '../../ledger/core/note-keys.ts';
import { nonEmptyLines } from '../../shared/lines.ts';
import type { FieldNamer } from '../../shared/validation.ts';
import { UsageError } from './exit-codes.ts';

/** A domain field as the command line names it: its flag (`maxFindings` is `--max-findings`). */
export const flagName: FieldNamer = (field) => `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

/** Commander's argument parser for a repeatable option: every value given, in order. */
export function collect(value: string, previous: readonly string[] = []): string[] {
  return [...previous, value];
}

/**
 * The vkeys a repeatable key option names (`--key`): each value is a vkey given inline, or a file of vkeys
 * one per line. Every key is checked here, so a typo is a usage error before anything is read.
 */
export function verifierKeyLines(values: readonly string[]): string[] {
  return values.flatMap((value) => {
    const lines =
      !value.includes('+') && fs.existsSync(value) ? nonEmptyLines(fs.readFileSync(value, 'utf8')) : [value];
    for (const line of lines) {
      try {
        parseVerifierKey(line.trim());
      } catch (error) {
        throw new UsageError(`invalid verifier key "${line}": ${(error as Error).message}`);
      }
    }
    return lines.map((line) => line.trim());
  });
}
