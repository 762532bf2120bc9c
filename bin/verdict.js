#!/usr/bin/env node
// The verdict CLI runs the TypeScript sources directly through tsx, so there is no build step to forget.
import { register } from 'tsx/esm/api';

// The handlers log and emit metrics for CloudWatch; on a terminal they stay quiet unless asked.
const verbose = process.argv.includes('--verbose');
process.env.POWERTOOLS_LOG_LEVEL ??= verbose ? 'INFO' : 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
if (verbose) {
  // Logs go to stderr so that stdout stays the command's result (a decision JSON, a report).
  process.env.POWERTOOLS_DEV ??= 'true';
  for (const level of ['log', 'info', 'debug', 'warn', 'trace']) console[level] = console.error;
}

register();
await import('../functions/local/cli/main.ts');
