import { describe, expect, it } from 'vitest';
import { forEachLine, type Line, nonEmptyLines } from '../../../functions/shared/lines.ts';

describe('nonEmptyLines', () => {
  it.each([
    ['LF with a trailing newline', 'a\nb\n', ['a', 'b']],
    ['no trailing newline', 'a\nb', ['a', 'b']],
    ['CRLF', 'a\r\nb\r\n', ['a', 'b']],
    ['a byte-order mark', '\uFEFFa\nb', ['a', 'b']],
    ['empty lines, the last one included', '\n a \n\n\t\nb\n\n', ['a', 'b']],
    ['nothing', '', []],
  ])('%s', (_name, text, lines) => {
    expect(nonEmptyLines(text)).toEqual(lines);
  });

  it('keeps a carriage return that does not end a line', () => {
    expect(nonEmptyLines('a\rb\n')).toEqual(['a\rb']);
  });
});

describe('forEachLine', () => {
  it("skips a window's partial first line and stops before lines starting past stopAt", async () => {
    const text = 'aaaa\nbbbb\ncccc\ndddd\n';
    const seen: string[] = [];
    const bytes = new TextEncoder().encode(text);
    async function* from(start: number) {
      yield bytes.slice(start);
    }
    await forEachLine(
      from(6),
      { startOffset: 6, maxLineBytes: 100, skipPartialFirstLine: true, stopAt: 15 },
      (line) => {
        seen.push(`${line.byteOffset}:${line.text}`);
        return true;
      },
    );
    expect(seen).toEqual(['10:cccc']);
  });

  async function linesOf(chunks: string[], maxLineBytes = 100): Promise<Line[]> {
    const lines: Line[] = [];
    async function* from() {
      for (const chunk of chunks) yield new TextEncoder().encode(chunk);
    }
    await forEachLine(from(), { startOffset: 0, maxLineBytes }, (line) => void lines.push(line));
    return lines;
  }

  it('ends lines at LF or CRLF, with or without a last newline, and emits no empty last line', async () => {
    expect((await linesOf(['a\r\nb\n'])).map((l) => l.text)).toEqual(['a', 'b']);
    expect((await linesOf(['a\nb'])).map((l) => l.text)).toEqual(['a', 'b']);
    expect((await linesOf(['a\n\nb\n\n'])).map((l) => l.text)).toEqual(['a', '', 'b', '']);
    expect(await linesOf([''])).toEqual([]);
  });

  it('keeps a CR split from its LF by a chunk boundary out of the line, and counts its bytes', async () => {
    const lines = await linesOf(['ab\r', '\ncd']);
    expect(lines).toEqual([
      { text: 'ab', byteOffset: 0, bytes: 4, truncated: false },
      { text: 'cd', byteOffset: 4, bytes: 2, truncated: false },
    ]);
  });

  it('holds at most maxLineBytes of a line and says it was truncated', async () => {
    const [line] = await linesOf(['abcdefgh', 'ij\n'], 4);
    expect(line).toEqual({ text: 'abcd', byteOffset: 0, bytes: 11, truncated: true });
  });
});
