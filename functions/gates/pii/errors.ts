/**
 * Why a file could not be scanned. Messages name the file and the place (line, row group), never a value
 * from it: a parser's own message may quote the data, so it is never passed on as it is.
 */
export type PiiScanErrorCode = 'unsupported' | 'unreadable' | 'malformed';

export class PiiScanError extends Error {
  override readonly name = 'PiiScanError';
  constructor(
    readonly code: PiiScanErrorCode,
    readonly file: string,
    readonly detail: string,
  ) {
    super(`${file}: ${detail}`);
  }
}

/**
 * A library's error message reduced to what cannot be data: e-mail-like tokens and long digit runs
 * become placeholders, quoted text is dropped, and the message is cut to 160 characters.
 */
export function safeDetail(message: string): string {
  return message
    .replace(/"[^"]*"|'[^']*'|`[^`]*`/g, '<quoted>')
    .replace(/\S*@\S*/g, '<redacted>')
    .replace(/\d[\d .-]{3,}\d/g, '<number>')
    .slice(0, 160);
}
