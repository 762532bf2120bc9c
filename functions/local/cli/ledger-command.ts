/**
 * `verdict ledger ...`: the audit ledger from a terminal. Exit codes: 0 ok; 3 verification failed (verify:
 * the export does not hold; witness: the checkpoint was refused); 5 verify: the export is signed by a key
 * not pinned with --key; 2 bad input or usage; 1 internal error.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import { createSignerKey, loadSignerKey } from '../../adapters/local/ledger/key-file.ts';
import type { LedgerEntry } from '../../contracts/ledger-entry.ts';
import { CheckpointFormatError } from '../../ledger/core/checkpoint.ts';
import { NoteKeyError } from '../../ledger/core/note-keys.ts';
import { NoteFormatError } from '../../ledger/core/signed-note.ts';
import { InvalidEntryError, LedgerRangeError } from '../../ledger/errors.ts';
import { UNPINNED_MESSAGE, type VerifyProblem } from '../../ledger/export/verify-export.ts';
import { verifyExportAt } from '../../ledger/export/verify-export-file.ts';
import { exportLedger } from '../../ledger/export/write-export.ts';
import { cosignCheckpoint, WitnessRefusal, type WitnessState } from '../../ledger/witness.ts';
import { nonEmptyLines } from '../../shared/lines.ts';
import { plural } from '../../shared/plural.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { DEFAULT_DATA_DIR } from './data-dir.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { collect, verifierKeyLines } from './options.ts';
import { formatOption, jsonAliasOption, type OutputFormat, printJson } from './output-format.ts';
import { addStackOptions, type StackChoice } from './stack-option.ts';
import {
  deployedStack,
  type LedgerStores,
  type StoreMode,
  type StoreOptions,
  withLedger as withStoreLedger,
} from './stores.ts';

/** `verify` and `witness` exit with this when the log does not hold up (same code as a gate's deny). */
const VERIFY_FAILED = EXIT.deny;
/** `verify` exits with this when the export holds together but is signed by keys not pinned. */
const VERIFY_UNTRUSTED = EXIT.untrusted;

/**
 * Problems that say who signed, not that bytes changed: a checkpoint signed only by keys not pinned, or,
 * with the origin taken from the pinned key's name, a log of another name (the key is another log's).
 */
function signedByUnpinnedKey(problems: readonly VerifyProblem[], originGiven: boolean): boolean {
  return (
    problems.length > 0 &&
    problems.every(
      (p) => p.code === 'checkpoint.unknown-key' || (!originGiven && p.code === 'checkpoint.origin'),
    )
  );
}

function withStore(command: Command): Command {
  return command
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .option(
      '--origin <origin>',
      'the log origin, fixed when the log is created (default verdict.local/ledger)',
    );
}

/** Opens the ledger (of --data-dir, or of --stack where the command offers it); only `append` creates one. */
async function withLedger<T>(
  options: StoreOptions,
  fn: (stores: LedgerStores) => Promise<T>,
  { create = false, mode = 'writer' }: { create?: boolean; mode?: StoreMode } = {},
): Promise<T> {
  try {
    return await withStoreLedger(options, { mode, create }, fn);
  } catch (error) {
    throw asUsageError(error);
  }
}

function asUsageError(error: unknown): unknown {
  if (
    error instanceof LedgerRangeError ||
    error instanceof InvalidEntryError ||
    error instanceof NoteKeyError ||
    error instanceof NoteFormatError ||
    error instanceof CheckpointFormatError
  )
    return new UsageError(error.message);
  return error;
}

function integer(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^(0|[1-9][0-9]*)$/.test(text) || !Number.isSafeInteger(Number(text)))
    throw new UsageError(`${name} ${text}: expected a non-negative integer`);
  return Number(text);
}

interface VerifyCommandOptions {
  key?: string[];
  trustExportKey?: boolean;
  since?: string;
  witnessKey?: string[];
  origin?: string;
  format: OutputFormat;
}

function readSince(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(
      `--since ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

export function registerLedgerCommand(program: Command): void {
  const ledger = program
    .command('ledger')
    .description(COMMAND_SUMMARIES.ledger)
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 3 verification failed (verify, witness), 5 signed by a key not pinned (verify), 2 bad input or usage, 1 internal error.',
    );

  withStore(ledger.command('append'))
    .description(
      'append entries from a JSON Lines file (each an object with id and type); prints the results',
    )
    .requiredOption('--file <file>', 'JSON Lines, one entry per line ("-" for stdin)')
    .action(async (options: StoreOptions & { file: string }) => {
      const text = fs.readFileSync(options.file === '-' ? 0 : options.file, 'utf8');
      const entries = nonEmptyLines(text).map((line, i) => {
        try {
          return JSON.parse(line) as LedgerEntry;
        } catch {
          throw new UsageError(`${options.file} line ${i + 1}: not JSON`);
        }
      });
      const results = await withLedger(options, ({ ledger }) => ledger.appendMany(entries), { create: true });
      printJson(results);
    });

  addStackOptions(withStore(ledger.command('export')))
    .description('write entries.jsonl, checkpoint, checkpoints/<size> and vkey to DIR')
    .requiredOption('--out <dir>', 'an empty or new directory')
    .action(async (options: StoreOptions & { out: string }) => {
      if (fs.existsSync(options.out) && fs.readdirSync(options.out).length > 0)
        throw new UsageError(`--out ${options.out}: the directory is not empty`);
      const summary = await withLedger(options, ({ ledger }) => exportLedger(ledger, options.out), {
        mode: 'read-only',
      });
      process.stderr.write(
        `verdict: exported ${plural(summary.entries, 'entry', 'entries')} and ${plural(summary.checkpoints, 'checkpoint')} to ${summary.dir}\n`,
      );
      if (summary.unsignedTail)
        process.stderr.write(
          `verdict: left out ${plural(summary.unsignedTail.entries, 'later entry', 'later entries')}, not signed yet: ${summary.unsignedTail.reason}\n`,
        );
      printJson(summary);
    });

  addStackOptions(ledger.command('verify [dir]'))
    .description(
      "recompute an export (DIR: a folder or the tar file of POST /ledger/exports; or the --stack's ledger, exported to a temporary directory) from scratch; exit 0 only if every entry, checkpoint and signature holds",
    )
    .option(
      '--key <vkey>',
      'trusted log verifier key, or a file of trusted keys one per line (repeatable; required unless --trust-export-key)',
      collect,
    )
    .option('--trust-export-key', "trust the export's own DIR/vkey instead of a pinned key (not recommended)")
    .option(
      '--since <checkpoint>',
      'a signed checkpoint file of this log seen before: fail if the log is smaller or does not contain it',
    )
    .option(
      '--witness-key <vkey>',
      'require a cosignature by this witness on the latest checkpoint (repeatable)',
      collect,
    )
    .option('--origin <origin>', "expected log origin (default: the log key's name)")
    .addOption(formatOption('text'))
    .addOption(jsonAliasOption())
    .action(async (dir: string | undefined, options: VerifyCommandOptions & StackChoice) => {
      if (options.key && options.trustExportKey)
        throw new UsageError('--key and --trust-export-key exclude each other');
      // Here --origin is the origin expected of the export, not the name of a local log.
      const { stack: name, region, profile } = options;
      const stack = await deployedStack({ stack: name, region, profile });
      if (stack) {
        if (dir !== undefined) throw new UsageError(`give an export DIR or --stack, not both`);
        if (options.trustExportKey)
          throw new UsageError(
            "--trust-export-key: with --stack the log's verifier key is read from the stack's anchor bucket (vkeys/), or pinned with --key",
          );
        const temp = fs.mkdtempSync(path.join(os.tmpdir(), 'verdict-stack-export-'));
        try {
          const exported = path.join(temp, 'export');
          const keys = await stack.withLedger('read-only', async (stores) => {
            await exportLedger(stores.ledger, exported).catch((error: unknown) => {
              throw asUsageError(error);
            });
            return options.key ? verifierKeyLines(options.key) : stores.verifierKeys();
          });
          if (keys.length === 0)
            throw new UsageError(
              `stack ${stack.stack.stackName}: no verifier key in its anchor bucket (vkeys/): pin the log's verifier key with --key`,
            );
          await verifyAndTell(exported, `stack ${stack.stack.stackName}`, { ...options, logKeys: keys });
        } finally {
          fs.rmSync(temp, { recursive: true, force: true });
        }
        return;
      }
      if (dir === undefined) throw new UsageError('an export DIR is required (or --stack NAME)');
      if (!fs.existsSync(dir)) throw new UsageError(`${dir}: no such directory or file`);
      if (!options.key && !options.trustExportKey) throw new UsageError(UNPINNED_MESSAGE);
      await verifyAndTell(dir, dir, {
        ...options,
        ...(options.key ? { logKeys: verifierKeyLines(options.key) } : {}),
      });
    });

  addStackOptions(withStore(ledger.command('prove')))
    .description('print the RFC 9162 inclusion proof of entry N (default size: the latest checkpoint)')
    .requiredOption('--index <n>', 'entry index')
    .option('--size <s>', 'tree size to prove against')
    .action(async (options: StoreOptions & { index: string; size?: string }) => {
      const index = integer('--index', options.index) as number;
      const size = integer('--size', options.size);
      printJson(
        await withLedger(options, ({ ledger }) => ledger.proveInclusion(index, size), { mode: 'read-only' }),
      );
    });

  withStore(ledger.command('consistency'))
    .description('print the RFC 9162 consistency proof between tree sizes A and B')
    .requiredOption('--from <a>', 'the earlier tree size')
    .requiredOption('--to <b>', 'the later tree size')
    .action(async (options: StoreOptions & { from: string; to: string }) => {
      const from = integer('--from', options.from) as number;
      const to = integer('--to', options.to) as number;
      printJson(await withLedger(options, ({ ledger }) => ledger.proveConsistency(from, to)));
    });

  withStore(ledger.command('checkpoint'))
    .description('print the latest signed checkpoint (signing one first if entries were appended since)')
    .addOption(formatOption('text'))
    .action(async (options: StoreOptions & { format: OutputFormat }) => {
      const checkpoint = await withLedger(options, ({ ledger }) => ledger.checkpoint());
      if (options.format === 'json')
        printJson({
          origin: checkpoint.origin,
          size: checkpoint.size,
          rootHash: Buffer.from(checkpoint.rootHash).toString('base64'),
          note: checkpoint.note,
        });
      else process.stdout.write(checkpoint.note);
    });

  ledger
    .command('keygen')
    .description('create an Ed25519 signed-note key file (mode 0600) for a witness; prints its verifier key')
    .requiredOption('--name <name>', 'key name, e.g. auditor.example/witness')
    .requiredOption('--out <file>', 'the key file to create')
    .action((options: { name: string; out: string }) => {
      if (fs.existsSync(options.out)) throw new UsageError(`--out ${options.out}: the file exists`);
      let signer: ReturnType<typeof createSignerKey>;
      try {
        signer = createSignerKey(options.out, options.name);
      } catch (error) {
        throw asUsageError(error);
      }
      process.stdout.write(`${signer.verifierKey}\n`);
    });

  ledger
    .command('witness')
    .description(
      "cosign a checkpoint after checking it against the witness's last cosigned checkpoint of that log",
    )
    .requiredOption('--key <file>', "the witness's signer key file")
    .requiredOption(
      '--checkpoint <file>',
      'the signed checkpoint; the cosignature line is added to it in place',
    )
    .option('--state <file>', "the witness's state (default: <key file>.state.json)")
    .option(
      '--log-key <vkey>',
      "the log's verifier key, or a file of them (required the first time)",
      collect,
    )
    .option(
      '--proof <file>',
      'consistency proof JSON (from `verdict ledger consistency`) from the last cosigned size',
    )
    .option(
      '--data-dir <dir>',
      'without --proof, take the consistency proof from the local log here',
      DEFAULT_DATA_DIR,
    )
    .option('--out <file>', 'write the cosigned checkpoint here instead of in place')
    .action(
      async (options: {
        key: string;
        checkpoint: string;
        state?: string;
        logKey?: string[];
        proof?: string;
        dataDir: string;
        out?: string;
      }) => {
        const witness = (() => {
          try {
            return loadSignerKey(options.key);
          } catch (error) {
            throw new UsageError(`--key ${options.key}: ${(error as Error).message}`);
          }
        })();
        const stateFile = options.state ?? `${options.key}.state.json`;
        const state: WitnessState = fs.existsSync(stateFile)
          ? (JSON.parse(fs.readFileSync(stateFile, 'utf8')) as WitnessState)
          : { logs: {} };
        const note = fs.readFileSync(options.checkpoint, 'utf8');
        const proof = await witnessProof(note, state, options);
        try {
          const result = await cosignCheckpoint({
            note,
            witness,
            state,
            ...(options.logKey ? { logKeys: verifierKeyLines(options.logKey) } : {}),
            ...(proof ? { proof } : {}),
          });
          writePrivate(stateFile, `${JSON.stringify(result.state, null, 2)}\n`);
          fs.writeFileSync(options.out ?? options.checkpoint, result.note);
          process.stderr.write(
            `verdict: ${witness.name} cosigned ${result.origin} size ${result.size}${result.previousSize !== undefined ? ` (consistent with size ${result.previousSize})` : ' (first checkpoint seen)'}\n`,
          );
        } catch (error) {
          if (!(error instanceof WitnessRefusal)) throw asUsageError(error);
          process.stderr.write(`verdict: witness refused: ${error.message}\n`);
          process.exitCode = VERIFY_FAILED;
        }
      },
    );

  withStore(ledger.command('add-cosignature'))
    .description("store a witness's cosignature on the local log's checkpoint, so later exports carry it")
    .requiredOption('--checkpoint <file>', 'the cosigned checkpoint')
    .action(async (options: StoreOptions & { checkpoint: string }) => {
      const note = fs.readFileSync(options.checkpoint, 'utf8');
      await withLedger(options, async ({ ledger }) => ledger.addCosignatures(note));
    });
}

/** Verifies an export (folder or tar) against the keys given (or its own with --trust-export-key) and says how it went. */
async function verifyAndTell(
  dir: string,
  what: string,
  options: VerifyCommandOptions & { logKeys?: string[] },
): Promise<void> {
  const report = await verifyExportAt(dir, {
    ...(options.logKeys ? { logKeys: options.logKeys } : { trustExportKey: true }),
    ...(options.since ? { since: readSince(options.since) } : {}),
    ...(options.witnessKey ? { witnessKeys: verifierKeyLines(options.witnessKey) } : {}),
    ...(options.origin ? { origin: options.origin } : {}),
  });
  if (options.format === 'json') printJson(report);
  for (const warning of report.warnings) process.stderr.write(`verdict: warning: ${warning}\n`);
  if (report.ok) {
    process.stderr.write(
      `verdict: OK: ${plural(report.entries, 'entry', 'entries')}, ${plural(report.checkpoints, 'signed checkpoint')}, latest size ${report.latest?.size} root ${report.latest?.rootHash}\n`,
    );
  } else if (signedByUnpinnedKey(report.problems, options.origin !== undefined)) {
    process.stderr.write(
      `verdict: UNTRUSTED: ${what} is signed only by keys you did not pin, so nothing vouches for its content; pin the log's own verifier key with --key:\n`,
    );
    for (const p of report.problems) process.stderr.write(`  - ${p.message}\n`);
    process.exitCode = VERIFY_UNTRUSTED;
  } else {
    process.stderr.write(`verdict: verification FAILED (${plural(report.problems.length, 'problem')}):\n`);
    for (const p of report.problems) process.stderr.write(`  - ${p.message}\n`);
    process.exitCode = VERIFY_FAILED;
  }
}

async function witnessProof(
  note: string,
  state: WitnessState,
  options: { proof?: string; dataDir: string },
): Promise<string[] | undefined> {
  if (options.proof) {
    const doc = JSON.parse(fs.readFileSync(options.proof, 'utf8')) as { consistencyPath?: unknown };
    if (!Array.isArray(doc.consistencyPath))
      throw new UsageError(`--proof ${options.proof}: no consistencyPath`);
    return doc.consistencyPath as string[];
  }
  const [origin, sizeLine] = note.split('\n');
  const last = origin ? state.logs[origin] : undefined;
  const size = Number(sizeLine);
  if (!last || !Number.isSafeInteger(size) || size <= last.size) return undefined;
  if (!fs.existsSync(path.join(options.dataDir, 'ledger', 'ledger.db')))
    throw new UsageError(`no --proof given and no local log in ${options.dataDir} to take one from`);
  return withLedger({ dataDir: options.dataDir }, async ({ ledger }) => {
    return (await ledger.proveConsistency(last.size, size)).consistencyPath;
  });
}

function writePrivate(file: string, text: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, text, { mode: 0o600 });
  const fd = fs.openSync(temp, 'r');
  fs.fsyncSync(fd);
  fs.closeSync(fd);
  fs.renameSync(temp, file);
}
