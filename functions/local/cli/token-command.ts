import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { loadOrCreateTokenSigningKey } from '../../adapters/local/token-signing-key.ts';
import { isRole, ROLES } from '../../api/auth/authentication.ts';
import { DEFAULT_TOKEN_TTL, issueToken, parseTtl } from '../../api/auth/bearer-tokens.ts';
import { DEFAULT_DATA_DIR } from './data-dir.ts';
import { UsageError } from './exit-codes.ts';

interface CreateOptions {
  role: string;
  ttl: string;
  subject?: string;
  dataDir: string;
}

export function registerTokenCommand(program: Command): void {
  const token = program
    .command('token')
    .description('bearer tokens for the local auditor API (verdict serve)');

  token
    .command('create')
    .description(
      'print a bearer token signed with the data directory key; use it as Authorization: Bearer <token>',
    )
    .requiredOption('--role <role>', `the caller's role: ${ROLES.join(' | ')}`)
    .option('--ttl <duration>', 'how long it is valid, e.g. 30m, 8h, 7d (at most 7d)', DEFAULT_TOKEN_TTL)
    .option(
      '--subject <name>',
      'who the token is for, as recorded in the access log (default: your user name)',
    )
    .option('--data-dir <dir>', 'the data directory verdict serve uses', DEFAULT_DATA_DIR)
    .action(async (options: CreateOptions) => {
      if (!isRole(options.role)) {
        throw new UsageError(`--role ${options.role}: expected one of ${ROLES.join(', ')}`);
      }
      let ttlSeconds: number;
      try {
        ttlSeconds = parseTtl(options.ttl);
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      const subject = options.subject ?? defaultSubject();
      const key = loadOrCreateTokenSigningKey(options.dataDir);
      let issued: Awaited<ReturnType<typeof issueToken>>;
      try {
        issued = await issueToken(key.privateKey, { role: options.role, subject, ttlSeconds });
      } catch (error) {
        if (error instanceof RangeError) throw new UsageError(error.message);
        throw error;
      }
      process.stdout.write(`${issued.token}\n`);
      process.stderr.write(
        `verdict: token for ${issued.subject} (${issued.role}), expires ${issued.expiresAt.toISOString()}${key.created ? `; new signing key ${key.path}` : ''}\n`,
      );
    });
}

function defaultSubject(): string {
  try {
    const name = userInfo().username;
    return /^[\w.@+-]{1,128}$/.test(name) ? name : 'local-user';
  } catch {
    return 'local-user';
  }
}
