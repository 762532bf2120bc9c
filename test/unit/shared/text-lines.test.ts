import { describe, expect, it } from 'vitest';
import { nonEmptyLines } from '../../../functions/shared/text-lines.ts';

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
