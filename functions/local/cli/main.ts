import { Command, CommanderError } from 'commander';
import { InconsistentCheckpointError } from '../../ledger/errors.ts';
import { GENERATOR } from '../../reports/generator.ts';
import { InvalidInputError } from '../../shared/validation.ts';
import { DataDirectoryError } from '../data-directory.ts';
import { endQuietlyOnBrokenPipe } from './broken-pipe.ts';
import { COMMAND_SUMMARIES, type CommandName } from './command-summaries.ts';
import { COMMANDS } from './commands.ts';
import { EXIT, UsageError } from './exit-codes.ts';

endQuietlyOnBrokenPipe();

const program = new Command('verdict')
  .description('Governance gates, audit trail and reports for machine learning on AWS')
  .option('--verbose', "print the handlers' structured logs")
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });

/** The command a command line names (`verdict [--verbose] NAME …`, or `verdict help NAME`). */
function commandNamed(args: readonly string[]): CommandName | undefined {
  const words = args.filter((arg) => !arg.startsWith('-'));
  const name = words[0] === 'help' ? words[1] : words[0];
  return name !== undefined && Object.hasOwn(COMMANDS, name) ? (name as CommandName) : undefined;
}

// Only the command that runs is loaded; the command list of `--help` needs their summaries only.
const named = commandNamed(process.argv.slice(2));
if (named) {
  // A command parses each schema about once and exits: compiling a fast parser per object schema (zod's
  // JIT) costs it more than it saves. The server (`verdict serve`) parses the same schemas on every request.
  if (named !== 'serve') (await import('zod')).config({ jitless: true });
  await COMMANDS[named](program);
} else {
  // Only without a command: `verdict report --version 1` is the report's own option.
  program.version(GENERATOR.version, '-V, --version', 'print the version');
  for (const [name, summary] of Object.entries(COMMAND_SUMMARIES)) program.command(name).description(summary);
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.exitCode = report(error);
}

function isStorageError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return (
    typeof code === 'string' &&
    /^(E(ROFS|ACCES|PERM|NOSPC|DQUOT|IO|BUSY)|SQLITE_(READONLY|CANTOPEN|FULL|IOERR|PERM))/.test(code)
  );
}

// A function, not a constant: the top-level await above runs report() before later constants exist.
function fileProblem(error: unknown): string | undefined {
  const reasons: Record<string, string> = {
    ENOENT: 'no such file or directory',
    ENOTDIR: 'not a directory',
    EISDIR: 'is a directory',
    EEXIST: 'already exists',
  };
  const { code, path } = (error ?? {}) as NodeJS.ErrnoException;
  const reason = code === undefined ? undefined : reasons[code];
  return reason && path ? `${path}: ${reason}` : undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function report(error: unknown): number {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  }
  if (error instanceof UsageError || error instanceof InvalidInputError) {
    const { problems } = error;
    const head = error instanceof InvalidInputError ? `invalid input (${error.code})` : error.message;
    process.stderr.write(`verdict: ${head}\n${problems.map((p) => `  - ${p}\n`).join('')}`);
    return EXIT.badInput;
  }
  if (error instanceof InconsistentCheckpointError) {
    process.stderr.write(`verdict: the ledger does not hold: ${error.message}\n`);
    return EXIT.deny;
  }
  // A file the user named that is missing or of the wrong kind: one line naming it, exit 2.
  const missing = fileProblem(error);
  if (missing) {
    process.stderr.write(`verdict: ${missing}\n`);
    return EXIT.badInput;
  }
  // The machine's side (a read-only or full disk, permissions): one line, not a stack trace.
  if (error instanceof DataDirectoryError || isStorageError(error)) {
    process.stderr.write(`verdict: ${oneLine((error as Error).message)}\n`);
    return EXIT.internal;
  }
  process.stderr.write(`verdict: internal error: ${(error as Error).stack ?? String(error)}\n`);
  return EXIT.internal;
}
