import { existsSync } from 'node:fs';
import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { loadOrCreateTokenSigningKey, tokenSigningKeyPath } from '../../adapters/local/token-key-file.ts';
import { isRole } from '../../api/auth/authentication.ts';
import { DEFAULT_TOKEN_TTL, issueToken, parseTtl, tokenId } from '../../api/auth/bearer-tokens.ts';
import { ROLES } from '../../contracts/principal.ts';
import { ensureDataDirectory } from '../data-directory.ts';
import { openLocalRuntimeAt } from '../runtime.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { DEFAULT_DATA_DIR } from './data-dir.ts';
import { UsageError } from './exit-codes.ts';
import { flagName } from './options.ts';
import { formatOption, type OutputFormat, printJson } from './output-format.ts';
import { addStackOptions, type StackChoice } from './stack-option.ts';
import { deployedStack } from './stores.ts';

interface CreateOptions extends StackChoice {
  role: string;
  ttl: string;
  subject?: string;
  format: OutputFormat;
  dataDir: string;
}

export function registerTokenCommand(program: Command): void {
  const token = program.command('token').description(COMMAND_SUMMARIES.token);

  addStackOptions(token.command('create'))
    .description(
      'print a bearer token signed with the data directory key; use it as Authorization: Bearer <token>',
    )
    .requiredOption('--role <role>', `the caller's role: ${ROLES.join(' | ')}`)
    .option('--ttl <duration>', 'how long it is valid, e.g. 30m, 8h, 7d (at most 7d)', DEFAULT_TOKEN_TTL)
    .option(
      '--subject <name>',
      'who the token is for, as recorded in the access log (default: your user name)',
    )
    .addOption(formatOption('text'))
    .option('--data-dir <dir>', 'the data directory verdict serve uses', DEFAULT_DATA_DIR)
    .action(async (options: CreateOptions) => {
      await refuseStack(options);
      if (!isRole(options.role)) {
        throw new UsageError(`--role ${options.role}: expected one of ${ROLES.join(', ')}`);
      }
      let ttlSeconds: number;
      try {
        ttlSeconds = parseTtl(options.ttl, flagName);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      const subject = options.subject ?? defaultSubject();
      ensureDataDirectory(options.dataDir);
      const key = loadOrCreateTokenSigningKey(options.dataDir);
      let issued: Awaited<ReturnType<typeof issueToken>>;
      try {
        issued = await issueToken(key.privateKey, { role: options.role, subject, ttlSeconds });
      } catch (error) {
        if (error instanceof RangeError) throw new UsageError(error.message);
        throw error;
      }
      if (options.format === 'json')
        printJson({
          token: issued.token,
          id: issued.jti,
          subject: issued.subject,
          role: issued.role,
          expiresAt: issued.expiresAt.toISOString(),
        });
      else process.stdout.write(`${issued.token}\n`);
      process.stderr.write(
        `verdict: token ${issued.jti} for ${issued.subject} (${issued.role}), expires ${issued.expiresAt.toISOString()}${key.created ? `; new signing key ${key.path}` : ''}\n`,
      );
    });

  addStackOptions(token.command('revoke'))
    .description(
      'revoke a token: verdict serve refuses it from the next call on (give the token, its id, or - to read it from stdin)',
    )
    .argument('<token-or-id>', 'the token, the token id printed by token create, or - for stdin')
    .option('--data-dir <dir>', 'the data directory verdict serve uses', DEFAULT_DATA_DIR)
    .action(async (given: string, options: StackChoice & { dataDir: string }) => {
      await refuseStack(options);
      const text = given === '-' ? (await readStdin()).trim() : given.trim();
      // No signing key: no token was ever made here, and none is made up to revoke one.
      if (!existsSync(tokenSigningKeyPath(options.dataDir)))
        throw new UsageError(
          `no token signing key at ${options.dataDir}: tokens are made there with verdict token create (or pass --data-dir)`,
        );
      const key = loadOrCreateTokenSigningKey(options.dataDir);
      let jti: string;
      try {
        jti = await tokenId(text, key.publicKey);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      const runtime = openLocalRuntimeAt(options.dataDir);
      try {
        const revoked = runtime.tokenRevocations.revoke(jti);
        process.stderr.write(`verdict: token ${jti} ${revoked ? 'revoked' : 'was already revoked'}\n`);
      } finally {
        await runtime.close();
      }
    });
}

/** A deployed stack's API takes no Verdict tokens: the refusal says what it takes instead. */
async function refuseStack(options: StackChoice): Promise<void> {
  const deployed = await deployedStack(options);
  if (!deployed) return;
  const { stackName, auditorApiUrl, auditorApiJwtUrl } = deployed.stack;
  throw new UsageError(
    `stack ${stackName}'s auditor API (AuditorApiUrl ${auditorApiUrl}) authenticates callers with IAM SigV4${auditorApiJwtUrl ? ` (or bearer JWTs of its OIDC issuer at AuditorApiJwtUrl ${auditorApiJwtUrl})` : ''}, not with Verdict tokens: call it with your AWS credentials`,
  );
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function defaultSubject(): string {
  try {
    const name = userInfo().username;
    return /^[\w.@+-]{1,128}$/.test(name) ? name : 'local-user';
  } catch {
    return 'local-user';
  }
}
