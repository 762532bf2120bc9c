/**
 * Imported first by benchmarks that run Lambda handlers in-process: Powertools reads its switches when
 * the shared logger and metrics are created, so they must be set before any handler module loads (as
 * bin/verdict.js does for the CLI). Otherwise every call prints a log line and an EMF metrics record.
 */
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_TRACE_ENABLED ??= 'false';
