/**
 * A reader that stops early (`verdict … | head -1`) closes the pipe, and the next write fails with EPIPE.
 * Node ignores SIGPIPE, so that failure would surface as an unhandled 'error' event and a stack trace;
 * the CLI ends quietly instead, as git and coreutils do.
 */

/** What a shell reports for a process ended by SIGPIPE (128 + 13); never 0, so a broken pipe fails closed. */
export const BROKEN_PIPE_EXIT = 141;

const isBrokenPipe = (error: NodeJS.ErrnoException) =>
  error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED';

/**
 * stdout carries the command's result: once its reader is gone there is nothing left to do, so the CLI
 * exits at once. stderr carries diagnostics and progress: losing its reader must not interrupt a command
 * half way (a report would leave its partial file behind), so the rest of what it says is dropped.
 */
export function endQuietlyOnBrokenPipe(
  stdout: NodeJS.WriteStream = process.stdout,
  stderr: NodeJS.WriteStream = process.stderr,
): void {
  stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (!isBrokenPipe(error)) throw error;
    process.exit(BROKEN_PIPE_EXIT);
  });
  stderr.on('error', (error: NodeJS.ErrnoException) => {
    if (!isBrokenPipe(error)) throw error;
  });
}
