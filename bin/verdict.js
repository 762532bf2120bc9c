#!/usr/bin/env node
// The verdict CLI. `npm run setup` builds it to JavaScript (scripts/build-cli.ts), which starts at once; while
// a source is newer than that build (or there is none), the TypeScript sources run through tsx instead.
import { readFileSync, statSync } from 'node:fs';

// The handlers log and emit metrics for CloudWatch; on a terminal they stay quiet unless asked.
const verbose = process.argv.includes('--verbose');
process.env.POWERTOOLS_LOG_LEVEL ??= verbose ? 'INFO' : 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
// No X-Ray daemon runs on a workstation: the CLI never traces, and its build carries no X-Ray SDK.
process.env.POWERTOOLS_TRACE_ENABLED = 'false';
// The SDK's notice that its releases after January 2027 need Node 22 is not about this command: not on stderr.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
if (verbose) {
  // Logs go to stderr so that stdout stays the command's result (a decision JSON, a report).
  process.env.POWERTOOLS_DEV ??= 'true';
  for (const level of ['log', 'info', 'debug', 'warn', 'trace']) console[level] = console.error;
}

const root = new URL('../', import.meta.url);
const built = new URL('build/cli/main.js', root);

function buildIsCurrent() {
  try {
    const builtAt = statSync(built).mtimeMs;
    const sources = JSON.parse(readFileSync(new URL('build/cli/sources.json', root), 'utf8'));
    return sources.every((source) => statSync(new URL(source, root)).mtimeMs <= builtAt);
  } catch {
    return false;
  }
}

if (buildIsCurrent()) {
  await import(built.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('functions/local/cli/main.ts', root).href);
}
