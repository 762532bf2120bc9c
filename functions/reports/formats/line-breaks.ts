/**
 * Where text in a report may break across lines, for both the PDF (which wraps cells itself) and the
 * HTML (which marks break opportunities with <wbr>). Words break only between each other. A token that
 * is not a word (an ARN, a hash, a URI, a timestamp, a rule id) may break inside when it is longer than
 * its column: after `/`, `:`, `-`, `_`, `.`, `=`, `,` or `#`, and a run longer than 2 CHUNK characters
 * without one after every CHUNK characters.
 */

/** The longest run of a token without a break opportunity (a hash breaks into pieces of this size). */
export const CHUNK = 8;

const BREAK_AFTER = new Set(['/', ':', '-', '_', '.', '=', ',', '#']);
const EDGE_PUNCTUATION = /^[("'“‘[]+|[)"'”’\].,;:!?]+$/gu;
const WORD = /^[\p{L}\p{M}'’]+$/u;

/** A word of running text (letters only, besides the punctuation around it): never broken inside. */
export function isWord(token: string): boolean {
  const bare = token.replace(EDGE_PUNCTUATION, '');
  return bare === '' || WORD.test(bare);
}

/** The pieces a token may break between; a word is one piece. */
export function tokenPieces(token: string): string[] {
  if (isWord(token)) return [token];
  const pieces: string[] = [];
  let piece = '';
  const flush = () => {
    // A run without a break character (a hash, a key id) breaks after every CHUNK characters.
    if (piece.length > 2 * CHUNK)
      for (let i = 0; i < piece.length; i += CHUNK) pieces.push(piece.slice(i, i + CHUNK));
    else if (piece) pieces.push(piece);
    piece = '';
  };
  for (const ch of token) {
    piece += ch;
    if (BREAK_AFTER.has(ch)) flush();
  }
  flush();
  return pieces;
}

/**
 * Wraps text to lines no wider than `width` as `measure` measures them: greedily by word; a token wider
 * than a line is broken into its pieces (tokenPieces), and a piece still wider by characters, the last
 * resort for a column narrower than any piece. Existing line breaks are kept.
 */
export function wrapLines(text: string, width: number, measure: (text: string) => number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    const push = () => {
      lines.push(line.trimEnd());
      line = '';
    };
    for (const token of paragraph.split(/ +/)) {
      if (token === '') continue;
      const joined = line ? `${line} ${token}` : token;
      if (measure(joined) <= width) {
        line = joined;
        continue;
      }
      if (line && (isWord(token) || measure(token) <= width)) push();
      if (measure(token) <= width) {
        line = token;
        continue;
      }
      // An identifier longer than the line: fill the current line with its pieces, then the next ones.
      let pieces = tokenPieces(token);
      if (line) line += ' ';
      pieces = pieces.flatMap((p) => (measure(p) <= width ? [p] : [...p]));
      for (const piece of pieces) {
        if (line && measure(line + piece) > width) push();
        line += piece;
      }
    }
    lines.push(line);
  }
  return lines;
}
