/**
 * Colour for the CLI's output, in one place: only on a terminal, never when NO_COLOR is set
 * (https://no-color.org), always when FORCE_COLOR is (but FORCE_COLOR=0 turns it off, as Node reads it).
 * Piped or redirected output carries no escape codes, so a file or a program gets plain text.
 */
import { styleText } from 'node:util';
import type { Outcome } from '../../contracts/decision.ts';

type Format = Parameters<typeof styleText>[0];

interface Destination {
  isTTY?: boolean;
}

export function colourFor(stream: Destination, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force !== 'false';
  if (env.NO_COLOR) return false;
  return Boolean(stream.isTTY) && env.TERM !== 'dumb';
}

export interface Styles {
  /** `text` in the colour of a decision's outcome: green allow, red deny, yellow review. */
  outcome(outcome: Outcome, text: string): string;
}

const OUTCOME_FORMAT: Record<Outcome, Format> = { allow: 'green', deny: 'red', review: 'yellow' };

export function stylesFor(stream: Destination, env: NodeJS.ProcessEnv = process.env): Styles {
  const paint = colourFor(stream, env)
    ? (format: Format, text: string) => styleText(format, text, { validateStream: false })
    : undefined;
  const style = (format: Format, text: string) => (paint ? paint(format, text) : text);
  return {
    outcome: (outcome, text) => style(OUTCOME_FORMAT[outcome], style('bold', text)),
  };
}
