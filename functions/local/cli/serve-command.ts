import type { Command } from 'commander';
import { createLocalServer } from '../http/server.ts';
import { openLocalRuntimeAt } from '../runtime.ts';
import { COMMAND_SUMMARIES } from './command-summaries.ts';
import { DEFAULT_DATA_DIR } from './data-dir.ts';
import { UsageError } from './exit-codes.ts';

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description(COMMAND_SUMMARIES.serve)
    .option('--port <port>', 'TCP port on 127.0.0.1', '8787')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--data-dir <dir>', 'where the embedded stores live', DEFAULT_DATA_DIR)
    .action(async (options: { port: string; host: string; dataDir: string }) => {
      const port = Number(options.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535)
        throw new UsageError(`--port ${options.port}: expected 0-65535`);
      let bound = port;
      // Report download links name the address the server is bound to.
      const runtime = openLocalRuntimeAt(options.dataDir, {
        publicUrl: () => `http://${options.host}:${bound}`,
      });
      // Creates the token signing key on first use, so tokens made from now on verify.
      const loopback = ['127.0.0.1', 'localhost', '::1'].includes(options.host);
      const server = createLocalServer(runtime, { eventsRequireAdmin: !loopback });
      await new Promise<void>((resolve) => server.listen(port, options.host, resolve));
      const address = server.address();
      bound = typeof address === 'object' && address ? address.port : port;
      process.stderr.write(
        `verdict: listening on http://${options.host}:${bound} (data in ${options.dataDir})\n`,
      );
      const stop = () =>
        server.close(async () => {
          await runtime.close();
        });
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
