/** Runs `bin/verdict.js` as a child process, the way a user's shell would. */
import { type ChildProcess, execFile, type StdioOptions, spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = join(ROOT, 'bin/verdict.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The environment a user's shell would give the CLI: none of the quiet-logging settings vitest adds
 * (`POWERTOOLS_*`), so the CLI's own logging defaults apply, and no `VERDICT_DATA_DIR` (with
 * `allVerdict`, no `VERDICT_*` at all).
 */
export function userEnv(options: { allVerdict?: boolean } = {}): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const key of Object.keys(env)) {
    const verdict = options.allVerdict ? key.startsWith('VERDICT_') : key === 'VERDICT_DATA_DIR';
    if (key.startsWith('POWERTOOLS_') || verdict) delete env[key];
  }
  return env;
}

export interface CliOptions {
  /** Defaults to the repository root. */
  cwd?: string;
  /** Defaults to {@link userEnv}. */
  env?: NodeJS.ProcessEnv;
  /** Written to the CLI's stdin, which is then closed. */
  input?: string;
  /** Milliseconds; defaults to 60 s. */
  timeout?: number;
  /** Bytes of stdout or stderr; defaults to execFile's 1 MiB. */
  maxBuffer?: number;
}

/** `verdict <args>`: its exit code (-1 if it did not exit with one) and everything it printed. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [CLI, ...args],
      {
        cwd: options.cwd ?? ROOT,
        env: options.env ?? userEnv(),
        timeout: options.timeout ?? 60_000,
        ...(options.maxBuffer === undefined ? {} : { maxBuffer: options.maxBuffer }),
      },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
    if (options.input !== undefined) child.stdin?.end(options.input);
  });
}

/** `verdict <args>` left running (e.g. `serve`), from the repository root with {@link userEnv}. */
export function spawnCli(args: string[], stdio: StdioOptions): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: userEnv(), stdio });
}

/** The base URL a `verdict serve --port 0` child announces on stderr; rejects if it exits or takes over 30 s. */
export function listeningUrl(child: ChildProcess): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${stderr}`)), 30_000);
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr += chunk;
      const port = /listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(stderr)?.[1];
      if (port) {
        clearTimeout(timer);
        resolve(`http://127.0.0.1:${port}`);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}:\n${stderr}`));
    });
  });
}
