import type { Server } from 'node:http';
import type { Command } from 'commander';
import { createLocalServer } from '../http/server.ts';
import { type LocalRuntime, openLocalRuntimeAt } from '../runtime.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { DEFAULT_DATA_DIR, requireLedger } from './data-dir.ts';
import { UsageError } from './exit-codes.ts';

interface ServeOptions {
  port: string;
  host: string;
  dataDir: string;
  init?: boolean;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(COMMAND_SUMMARIES.serve)
    .option('--port <port>', 'TCP port on 127.0.0.1', '8787')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .option('--init', 'create the data directory if it holds no ledger yet (to take events over HTTP)')
    .action(async (options: ServeOptions) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port ${options.port}: expected 0-65535`);
      if (!options.init) requireLedger(options.dataDir);
      let bound = port;
      // Report download links name the address the server is bound to.
      const runtime = openLocalRuntimeAt(options.dataDir, {
        publicUrl: () => `http://${options.host}:${bound}`,
      });
      // Creates the token signing key on first use, so tokens made from now on verify.
      const loopback = ['127.0.0.1', 'localhost', '::1'].includes(options.host);
      const server = createLocalServer(runtime, { eventsRequireAdmin: !loopback });
      try {
        await listen(server, port, options.host);
      } catch (error) {
        await runtime.close();
        throw error;
      }
      const address = server.address();
      bound = typeof address === 'object' && address ? address.port : port;
      process.stderr.write(
        `verdict: listening on http://${options.host}:${bound} (data in ${options.dataDir})\n`,
      );
      const bakes = fireBakesEverySecond(runtime);
      const stop = () => {
        clearInterval(bakes);
        server.close(async () => {
          await runtime.close();
        });
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}

/**
 * EventBridge Scheduler's job locally: every second, the deployments whose bake has ended are woken. A
 * round still running when the next is due is not overlapped.
 */
function fireBakesEverySecond(runtime: LocalRuntime): NodeJS.Timeout {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    runtime
      .fireDueBakes()
      .catch((error: unknown) =>
        process.stderr.write(
          `verdict: a bake's end could not be fired: ${error instanceof Error ? error.message : String(error)}\n`,
        ),
      )
      .finally(() => {
        running = false;
      });
  }, 1000);
  timer.unref();
  return timer;
}

/** Listens, or says in one line why it cannot (a busy port, an address not on this machine). */
function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const refused = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE')
        reject(new UsageError(`port ${port} is in use (stop what listens on it, or pass --port)`));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND')
        reject(new UsageError(`--host ${host}: not an address of this machine`));
      else if (error.code === 'EACCES')
        reject(new UsageError(`port ${port}: permission denied (use a port above 1023)`));
      else reject(error);
    };
    server.once('error', refused);
    server.listen(port, host, () => {
      server.off('error', refused);
      resolve();
    });
  });
}
