/**
 * Runs schemathesis (tools/requirements.txt pins it; `npm run setup` installs it in .venv) against a
 * running auditor API, from the OpenAPI document it serves. test/e2e/api-contract.test.ts drives it.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const SCHEMATHESIS = fileURLToPath(new URL('../../.venv/bin/schemathesis', import.meta.url));

export interface ContractRunOptions {
  baseUrl: string;
  token: string;
  /** Where the config and reports go. */
  workDir: string;
  /** Path regexes of operations whose dependency is not wired: their 503 "not configured" is expected. */
  unconfigured?: string[];
  maxExamples?: number;
  timeoutMs?: number;
  seed?: number;
}

export interface ContractRunResult {
  code: number | null;
  output: string;
  timedOut: boolean;
}

/**
 * `schemathesis run <base>/openapi.json` with the admin token, the server-error and schema checks, and a
 * bounded number of examples per operation. Resolves when it exits (or is killed at the timeout).
 */
export function runSchemathesis(options: ContractRunOptions): Promise<ContractRunResult> {
  if (!existsSync(SCHEMATHESIS)) {
    throw new Error(`schemathesis not found at ${SCHEMATHESIS}: run \`npm run setup\``);
  }
  const configFile = join(options.workDir, 'schemathesis.toml');
  writeFileSync(configFile, configToml(options.unconfigured ?? []));
  const args = [
    '--config-file',
    configFile,
    '--no-color',
    'run',
    `${options.baseUrl}/openapi.json`,
    '--url',
    options.baseUrl,
    '--header',
    `Authorization: Bearer ${options.token}`,
    '--checks',
    'not_a_server_error,response_schema_conformance',
    '--max-examples',
    String(options.maxExamples ?? 25),
    '--seed',
    String(options.seed ?? 20_260_601),
    '--generation-database',
    'none',
    '--report-dir',
    join(options.workDir, 'schemathesis-report'),
    '--request-timeout',
    '10',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(SCHEMATHESIS, args, { cwd: options.workDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs ?? 110_000);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output, timedOut });
    });
  });
}

/** Operations of an unwired dependency answer 503 "not configured" (documented): not a server failure. */
function configToml(unconfigured: string[]): string {
  return unconfigured
    .map(
      (pathRegex) => `[[operations]]
include-path-regex = ${JSON.stringify(pathRegex)}
checks.not_a_server_error.expected-statuses = ["2xx", "3xx", "4xx", "503"]
`,
    )
    .join('\n');
}
