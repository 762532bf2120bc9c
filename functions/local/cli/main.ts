import { Command, CommanderError } from 'commander';
import { InconsistentCheckpointError } from '../../ledger/errors.ts';
import { InvalidInputError } from '../../shared/validation.ts';
import { DataDirectoryError } from '../data-directory.ts';
import { registerBiasCommand } from './bias-command.ts';
import { registerClassifyCommand } from './classify-command.ts';
import { registerDemoCommand } from './demo-command.ts';
import { registerDlqCommand } from './dlq-command.ts';
import { registerExceptionCommand } from './exception-command.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { registerExplainCommand } from './explain-command.ts';
import { registerForgetCommand } from './forget-command.ts';
import { registerGateCommand } from './gate-command.ts';
import { registerLedgerCommand } from './ledger-command.ts';
import { registerReportCommand } from './report-command.ts';
import { registerScanPiiCommand } from './scan-pii-command.ts';
import { registerServeCommand } from './serve-command.ts';
import { registerTokenCommand } from './token-command.ts';

const program = new Command('verdict')
  .description('Governance gates, audit trail and reports for machine learning on AWS')
  .option('--verbose', "print the handlers' structured logs")
  .exitOverride()
  .configureOutput({ writeErr: (text) => process.stderr.write(text) });

registerBiasCommand(program);
registerClassifyCommand(program);
registerDemoCommand(program);
registerDlqCommand(program);
registerExceptionCommand(program);
registerExplainCommand(program);
registerForgetCommand(program);
registerGateCommand(program);
registerLedgerCommand(program);
registerReportCommand(program);
registerScanPiiCommand(program);
registerServeCommand(program);
registerTokenCommand(program);

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

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function report(error: unknown): number {
  if (error instanceof CommanderError) {
    return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
  }
  if (error instanceof UsageError || error instanceof InvalidInputError) {
    const problems = error instanceof InvalidInputError ? error.problems : error.problems;
    const head = error instanceof InvalidInputError ? `invalid input (${error.code})` : error.message;
    process.stderr.write(`verdict: ${head}\n${problems.map((p) => `  - ${p}\n`).join('')}`);
    return EXIT.badInput;
  }
  if (error instanceof InconsistentCheckpointError) {
    process.stderr.write(`verdict: the ledger does not hold: ${error.message}\n`);
    return EXIT.deny;
  }
  // The machine's side (a read-only or full disk, permissions): one line, not a stack trace.
  if (error instanceof DataDirectoryError || isStorageError(error)) {
    process.stderr.write(`verdict: ${oneLine((error as Error).message)}\n`);
    return EXIT.internal;
  }
  process.stderr.write(`verdict: internal error: ${(error as Error).stack ?? String(error)}\n`);
  return EXIT.internal;
}
