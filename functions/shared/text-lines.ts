/**
 * The lines of a small text file (keys, JSON Lines given on the command line) that say something: a
 * leading byte-order mark, `\r\n` or `\n` endings, blanks around a line and empty lines (a trailing
 * newline's included) are dropped. Streamed files of any size go through `forEachLine` instead.
 */
export function nonEmptyLines(text: string): string[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
