import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { Tracer } from '@aws-lambda-powertools/tracer';

/** One logger, metrics and tracer per process; configured by the POWERTOOLS_* environment variables. */
export const logger = new Logger({ serviceName: 'verdict' });
export const metrics = new Metrics({ namespace: 'Verdict', serviceName: 'verdict' });
export const tracer = new Tracer({ serviceName: 'verdict' });
