/**
 * A child process that cannot outlive the Node process that started it. Each runs under a small shell guard
 * in its own process group: the guard stops the process when Node's end of its stdin closes, so even a Node
 * process killed with SIGKILL leaves no orphans (and, optionally, ten seconds later no data folder).
 */
import { type ChildProcess, spawn } from 'node:child_process';

export interface GuardedProcess {
  readonly name: string;
  /** Why the process is gone, or undefined while it runs. */
  exitReason(): string | undefined;
  /** The tail of its stderr: enough to explain a failed start. */
  stderrTail(): string;
  stop(): Promise<void>;
  /** From now on, an exit that stop() did not ask for is written to stderr with the process's own stderr. */
  reportUnexpectedExit(): void;
  /** SIGKILL to the whole process group, synchronously (for `process.on('exit')`). */
  kill(): void;
}

const STOP_TIMEOUT_MS = 5_000;
const START_TIMEOUT_MS = 60_000;

/**
 * Runs "$@" with stdin detached and stops it (SIGTERM) once the guard's own stdin reaches end of file. The
 * reader gets the stdin through fd 3 because bash gives background jobs /dev/null as stdin. When
 * VERDICT_REMOVE_WHEN_DONE names a folder, the reader removes it as well, once the processes had time to stop
 * (this runs only when Node died without stopping the control plane).
 */
const GUARD =
  'exec 3<&0; "$@" </dev/null 3<&- & pid=$!; { cat <&3 >/dev/null; kill -TERM "$pid" 2>/dev/null;' +
  ' if [ -n "$VERDICT_REMOVE_WHEN_DONE" ]; then sleep 10; rm -rf -- "$VERDICT_REMOVE_WHEN_DONE"; fi; } & wait "$pid"';

export function guarded(
  name: string,
  binary: string,
  args: string[],
  options: { removeWhenDone?: string } = {},
): GuardedProcess {
  const child: ChildProcess = spawn('bash', ['-c', GUARD, name, binary, ...args], {
    env: { ...process.env, VERDICT_REMOVE_WHEN_DONE: options.removeWhenDone ?? '' },
    detached: true, // its own process group, so that kill() reaches the binary and the guard alike
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4_000);
  });
  let exited: string | undefined;
  let stopping = false;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = `exited with ${signal ?? `code ${code}`}`;
      resolve();
    });
    child.once('error', (error) => {
      exited = `failed to spawn: ${error.message}`;
      resolve();
    });
  });
  const kill = () => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // the group is already gone
    }
  };
  return {
    name,
    exitReason: () => exited,
    stderrTail: () => stderr.trim(),
    kill,
    reportUnexpectedExit() {
      child.once('exit', () => {
        if (stopping) return;
        console.error(`${name} stopped unexpectedly: ${exited}\n--- ${name} stderr ---\n${stderr.trim()}`);
      });
    },
    async stop() {
      stopping = true;
      if (exited === undefined) {
        child.stdin?.end(); // the guard sends SIGTERM
        const timer = setTimeout(kill, STOP_TIMEOUT_MS);
        await exit;
        clearTimeout(timer);
      }
      kill(); // whatever is left of the group (the guard's reader)
    },
  };
}

/** Polls `ready` until it answers true; fails early with the process's stderr if the process exits. */
export async function waitUntilReady(
  child: GuardedProcess,
  ready: () => Promise<string | true>,
  timeoutMs = START_TIMEOUT_MS,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    const reason = child.exitReason();
    if (reason) throw startError(child, reason);
    const answer = await ready().catch((error: unknown) =>
      error instanceof Error ? error.message : String(error),
    );
    if (answer === true) return;
    last = answer;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw startError(child, `not ready within ${timeoutMs} ms (last: ${last})`);
}

function startError(child: GuardedProcess, reason: string): Error {
  return new Error(
    `${child.name} did not start: ${reason}\n--- ${child.name} stderr ---\n${child.stderrTail()}`,
  );
}
