import { readFileSync } from 'node:fs';
import { UsageError } from './exit-codes.ts';

/**
 * Reads a JSON file named on the command line; a missing file or bad JSON says which file and where. A UTF-8
 * byte order mark, which some editors write, is dropped (RFC 8259 lets a parser ignore it).
 */
export function readJsonFile(
  path: string,
  what: string,
  parse: (text: string) => unknown = JSON.parse,
): unknown {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new UsageError(
      `${what} ${path}: cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
    );
  }
  try {
    return parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    throw new UsageError(`${what} ${path}: not JSON: ${(error as Error).message}`);
  }
}
