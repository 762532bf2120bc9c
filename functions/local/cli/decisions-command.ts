/**
 * `verdict decisions list | show ID`: what the gates decided, from the data directory or a deployed stack
 * (`--stack`), as the auditor API's `GET /decisions` and `GET /decisions/{id}` answer it: every decision
 * shown is first checked against its ledger entry, and `show` adds its ledger index and the inclusion proof
 * against the latest checkpoint. `revoke ID` withdraws a model-registry approval (locally, or on the stack
 * through stack-deployments.ts). Exit codes: 0 ok; 3 the read model does not match the ledger (nothing is
 * shown); 2 bad input or usage (an unknown id); 1 internal error.
 */
import { type Command, Option } from 'commander';
import { type Decision, outcomeSchema } from '../../contracts/decision.ts';
import type { Revocation } from '../../gates/revocation/revoke-decision.ts';
import { type DecisionFilter, InvalidCursorError } from '../../ports/decision-store.ts';
import { type LedgerReader, ReadModelDivergenceError } from '../../ports/ledger-reader.ts';
import { plural } from '../../shared/plural.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { DEFAULT_DATA_DIR } from './data-dir.ts';
import { EXIT, UsageError } from './exit-codes.ts';
import { decisionText } from './formats/decision-format.ts';
import { formatOption, type OutputFormat, printJson } from './output-format.ts';
import { timeoutMs } from './poll.ts';
import { addStackOptions } from './stack-option.ts';
import { deployedStack, type StoreOptions, withRecords } from './stores.ts';

/** The decision ids the API accepts (`/decisions/{id}`). */
const DECISION_ID = /^[A-Za-z0-9-]{1,64}$/;

interface ListOptions extends StoreOptions, Omit<DecisionFilter, 'decision'> {
  decision?: DecisionFilter['decision'];
  order?: 'asc' | 'desc';
  limit?: string;
  cursor?: string;
  format: OutputFormat;
}

export function registerDecisionsCommand(program: Command): void {
  const decisions = program
    .command('decisions')
    .description(COMMAND_SUMMARIES.decisions)
    .addHelpText(
      'after',
      '\nExit codes: 0 ok, 3 the read model does not match the audit ledger, 2 bad input or usage, 1 internal error.',
    );

  addStackOptions(decisions.command('list'))
    .description('list decisions in a stable order (evaluation time), one page at a time')
    .option('--model <group>', 'model package group name')
    .option('--version <n>', 'model package version')
    .option('--gate <gate>', 'only this gate’s decisions (model-registry, deployment)')
    .addOption(new Option('--decision <outcome>', 'only this outcome').choices(outcomeSchema.options))
    .option('--from <time>', 'evaluated at or after this time (ISO 8601)')
    .option('--to <time>', 'evaluated before this time (ISO 8601)')
    .addOption(new Option('--order <order>', 'by evaluation time').choices(['asc', 'desc']).default('asc'))
    .option('--limit <n>', 'at most this many decisions (1 to 1000, default 50)')
    .option('--cursor <cursor>', 'the next page: the nextCursor of the previous one')
    .addOption(formatOption('text'))
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .action(async (options: ListOptions) => {
      const limit = options.limit === undefined ? undefined : Number(options.limit);
      const filter: DecisionFilter = {
        ...(options.model && { model: options.model }),
        ...(options.version && { version: options.version }),
        ...(options.gate && { gate: options.gate }),
        ...(options.decision && { decision: options.decision }),
        ...(options.from && { from: options.from }),
        ...(options.to && { to: options.to }),
      };
      const page = await withRecords(options, 'read-only', async (stores) => {
        const found = await asUsage(() =>
          stores.decisions.list({
            filter,
            ...(limit !== undefined && { limit }),
            ...(options.cursor !== undefined && { cursor: options.cursor }),
            ...(options.order && { order: options.order }),
          }),
        );
        await vouch(stores.ledger, found.decisions);
        return found;
      });
      if (process.exitCode) return;
      if (options.format === 'json') printJson(page);
      else process.stdout.write(listText(page.decisions, page.nextCursor));
    });

  addStackOptions(decisions.command('show'))
    .description('one decision, with its ledger index and inclusion proof against the latest checkpoint')
    .argument('<id>', 'the decision id')
    .addOption(formatOption('text'))
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .action(async (id: string, options: StoreOptions & { format: OutputFormat }) => {
      if (!DECISION_ID.test(id)) throw new UsageError(`${id}: expected a decision id`);
      const shown = await withRecords(options, 'read-only', async (stores) => {
        const decision = await stores.decisions.get(id);
        if (!decision) throw new UsageError(`no decision ${id}`);
        const [position] = await vouch(stores.ledger, [decision]);
        if (!position) return undefined;
        const checkpoint = await stores.ledger.latestCheckpoint();
        if (!checkpoint || checkpoint.size <= position.index)
          return { ...decision, ledger: { index: position.index } };
        const inclusionProof = await stores.ledger.proveInclusion(position.index, checkpoint.size);
        return { ...decision, ledger: { index: position.index, inclusionProof, checkpoint } };
      });
      if (!shown) return;
      if (options.format === 'json') {
        printJson(shown);
        return;
      }
      const { ledger, ...decision } = shown;
      process.stdout.write(decisionText(decision as Decision));
      process.stdout.write(
        ledger.inclusionProof
          ? `\nLedger: entry ${ledger.index}, included in the checkpoint of size ${ledger.inclusionProof.treeSize} (root ${ledger.inclusionProof.rootHash})\n`
          : `\nLedger: entry ${ledger.index}, not yet covered by a signed checkpoint\n`,
      );
    });

  addStackOptions(decisions.command('revoke'))
    .description(
      'revoke a model-registry approval: recorded in the ledger, the version set to Rejected, every live deployment of it taken out of service',
    )
    .argument('<id>', 'the decision id (an allow of the model-registry gate)')
    .requiredOption('--reason <text>', 'why (kept in the audit ledger: no personal data)')
    .addOption(formatOption('text'))
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .option(
      '--timeout <seconds>',
      'with --stack: how long to wait for the deployments to be taken down (default 900)',
    )
    .action(async (id: string, options: RevokeOptions) => {
      if (!DECISION_ID.test(id)) throw new UsageError(`${id}: expected a decision id`);
      const { DecisionNotRevocableError } = await import('../../gates/revocation/revoke-decision.ts');
      const notRevocable = (error: unknown): never => {
        if (error instanceof DecisionNotRevocableError) throw new UsageError(error.message);
        throw error;
      };
      const stack = await deployedStack(options);
      if (!stack && options.timeout !== undefined) throw new UsageError('--timeout goes with --stack');
      if (stack) {
        const wait = timeoutMs(options.timeout);
        const { revokeStackDecision } = await import('./stack-deployments.ts');
        const revocation = await revokeStackDecision(stack, id, options.reason, wait).catch(notRevocable);
        printRevocation(revocation, options.format);
        if (revocation.deploymentsLive) {
          process.stderr.write(
            `verdict: still live after --timeout: ${revocation.deploymentsLive.join(', ')}: follow them with verdict deployments list --decision-id ${id} --stack ${stack.stack.stackName}\n`,
          );
          process.exitCode = EXIT.internal;
        }
        return;
      }
      const { openLocalRuntimeAt } = await import('../runtime.ts');
      const { revokeLocalDecision } = await import('../local-deployments.ts');
      const runtime = openLocalRuntimeAt(options.dataDir);
      try {
        const revocation = await revokeLocalDecision(runtime, id, options.reason).catch(notRevocable);
        const revoked = await runtime.deployments.list({ filter: { decisionId: id, statuses: ['revoked'] } });
        printRevocation(
          { ...revocation, deploymentsRevoked: revoked.deployments.map((d) => d.id) },
          options.format,
        );
      } finally {
        await runtime.close();
      }
    });
}

interface RevokeOptions extends StoreOptions {
  reason: string;
  format: OutputFormat;
  timeout?: string;
}

/** Without `deploymentsRevoked`, the stack has no deployments table to say which were taken down. */
function printRevocation(
  revocation: Revocation & { deploymentsRevoked?: string[] },
  format: OutputFormat,
): void {
  if (format === 'json') {
    printJson(revocation);
    return;
  }
  const { decision, revokedAt, reason, deploymentsRevoked } = revocation;
  process.stdout.write(
    [
      `${revocation.alreadyRevoked ? 'already revoked' : 'revoked'} ${decision.id} (${decision.subject.id}) at ${revokedAt}: ${reason}`,
      deploymentsRevoked
        ? `deployments taken out of service: ${deploymentsRevoked.join(', ') || 'none'}`
        : 'deployments taken out of service: unknown (the stack has no deployments table)',
      '',
    ].join('\n'),
  );
}

/** Each decision checked against its ledger entry; on any mismatch, says which and sets exit code 3. */
async function vouch(ledger: LedgerReader, decisions: readonly Decision[]) {
  const results = await Promise.allSettled(decisions.map((d) => ledger.vouchForDecision(d)));
  const diverged = results.flatMap((r) =>
    r.status === 'rejected' && r.reason instanceof ReadModelDivergenceError ? [r.reason.message] : [],
  );
  if (diverged.length > 0) {
    process.stderr.write(
      `verdict: ${plural(diverged.length, 'decision')} in the read model ${diverged.length === 1 ? 'does' : 'do'} not match the audit ledger; nothing is shown:\n${diverged.map((m) => `  - ${m}\n`).join('')}`,
    );
    process.exitCode = EXIT.deny;
    return [];
  }
  return results.map((r) => {
    if (r.status === 'rejected') throw r.reason;
    return r.value;
  });
}

async function asUsage<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof InvalidCursorError || error instanceof RangeError)
      throw new UsageError(error.message);
    throw error;
  }
}

function listText(decisions: readonly Decision[], nextCursor: string | undefined): string {
  const lines = decisions.map(
    (d) =>
      `${d.id}  ${d.evaluatedAt}  ${d.decision.toUpperCase().padEnd(6)}  ${d.subject.group} v${d.subject.version}${d.riskClass ? `  ${d.riskClass}` : ''}  ${plural(d.violations.length, 'violation')}  (${d.gate} gate)\n`,
  );
  const tail = nextCursor ? `more: --cursor ${nextCursor}\n` : '';
  return lines.length === 0 ? `no decisions\n${tail}` : `${lines.join('')}${tail}`;
}
