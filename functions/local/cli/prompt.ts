/** Questions on a terminal, one line each, on node:readline: `verdict profile init` asks through it. */
import { createInterface } from 'node:readline/promises';
import type { Readable, Writable } from 'node:stream';
import { UsageError } from './exit-codes.ts';

export interface Prompter {
  /** Writes a line of explanation. */
  say(text: string): void;
  /** Asks one question; resolves with the line typed, rejects when the input ends first. */
  ask(question: string): Promise<string>;
  close(): void;
}

export function readlinePrompter(input: Readable, output: Writable): Prompter {
  const lines = createInterface({ input, output, terminal: Boolean((input as { isTTY?: boolean }).isTTY) });
  let interrupted = false;
  // Ctrl-C at a prompt: without a listener, readline would only pause, and the question would wait forever.
  lines.once('SIGINT', () => {
    interrupted = true;
    lines.close();
  });
  const ended = new Promise<never>((_, reject) =>
    lines.once('close', () =>
      reject(
        new UsageError(
          interrupted ? 'interrupted: nothing written' : 'input ended before every question was answered',
        ),
      ),
    ),
  );
  // A question still open when the input ends rejects through `ended`; without a question, nobody waits.
  ended.catch(() => undefined);
  return {
    say: (text) => output.write(`${text}\n`),
    ask: (question) => Promise.race([lines.question(question), ended]),
    close: () => lines.close(),
  };
}
