/** When the CLI colours: a terminal only, NO_COLOR off, FORCE_COLOR on (0 or false off), TERM=dumb off. */
import { describe, expect, it } from 'vitest';
import { colourFor, stylesFor } from '../../../../functions/local/cli/terminal-style.ts';

const tty = { isTTY: true };
const pipe = { isTTY: false };

describe('colourFor', () => {
  it.each([
    ['a terminal', tty, {}, true],
    ['a pipe', pipe, {}, false],
    ['a terminal with NO_COLOR=1', tty, { NO_COLOR: '1' }, false],
    ['a terminal with an empty NO_COLOR', tty, { NO_COLOR: '' }, true],
    ['a dumb terminal', tty, { TERM: 'dumb' }, false],
    ['a pipe with FORCE_COLOR=1', pipe, { FORCE_COLOR: '1' }, true],
    ['a pipe with FORCE_COLOR and NO_COLOR', pipe, { FORCE_COLOR: '1', NO_COLOR: '1' }, true],
    ['a terminal with FORCE_COLOR=0', tty, { FORCE_COLOR: '0' }, false],
    ['a terminal with FORCE_COLOR=false', tty, { FORCE_COLOR: 'false' }, false],
  ])('%s: %s', (_name, stream, env, expected) => {
    expect(colourFor(stream, env)).toBe(expected);
  });
});

describe('stylesFor', () => {
  it('colours an outcome where colour is wanted, and leaves the text alone elsewhere', () => {
    expect(stylesFor(tty, {}).outcome('deny', 'DENY')).toBe('\x1b[31m\x1b[1mDENY\x1b[22m\x1b[39m');
    expect(stylesFor(tty, {}).outcome('allow', 'ALLOW')).toContain('\x1b[32m');
    expect(stylesFor(tty, {}).outcome('review', 'REVIEW')).toContain('\x1b[33m');
    expect(stylesFor(pipe, {}).outcome('deny', 'DENY')).toBe('DENY');
  });
});
