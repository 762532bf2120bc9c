import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/** One logger, metrics and tracer per process; configured by the POWERTOOLS_* environment variables. */
export const logger = new Logger({ serviceName: 'verdict' });

const TRUTHY = new Set(['1', 'true', 'on', 'yes', 'y']);
const flag = (name: string) => TRUTHY.has((process.env[name] ?? '').trim().toLowerCase());
/** As Powertools decides it: POWERTOOLS_METRICS_DISABLED, else POWERTOOLS_DEV. */
const metricsDisabled = () =>
  process.env.POWERTOOLS_METRICS_DISABLED === undefined
    ? flag('POWERTOOLS_DEV')
    : flag('POWERTOOLS_METRICS_DISABLED');

/**
 * Powertools Metrics warns on stderr ("No application metrics to publish") even when metrics are disabled,
 * and in a process serving concurrent calls (`verdict serve`) one call's flush often finds another's
 * metrics already published. Its warnings go to the logger, and only while metrics are enabled.
 */
const metricsWarnings = {
  debug: () => {},
  info: () => {},
  warn: (...content: unknown[]) => {
    if (!metricsDisabled()) logger.warn(content.map(String).join(' '));
  },
  error: (...content: unknown[]) => {
    if (!metricsDisabled()) logger.error(content.map(String).join(' '));
  },
};

export const metrics = new Metrics({ namespace: 'Verdict', serviceName: 'verdict', logger: metricsWarnings });
export const tracer = new Tracer({ serviceName: 'verdict' });
