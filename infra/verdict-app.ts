/**
 * Builds the Verdict app from CDK context: validated configuration, the stack, and the cdk-nag
 * AwsSolutions checks over everything. infra/app.ts runs it; the infra tests build it the same way.
 */
import { type App, Aspects } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { configFromContext } from './config.ts';
import { VerdictStack, type VerdictStackProps } from './verdict-stack.ts';

/** One stack per environment, so staging and production can share an account: `Verdict-staging`. */
function stackNameFor(environment: string): string {
  return `Verdict-${environment}`;
}

export type VerdictAppOptions = Pick<VerdictStackProps, 'policyBundlePath' | 'routes'>;

export function buildVerdictApp(app: App, options: VerdictAppOptions = {}): VerdictStack {
  const config = configFromContext(app.node);
  const stack = new VerdictStack(app, stackNameFor(config.environment), {
    ...options,
    config,
    description: `Verdict: event-driven ML governance gates, decisions and evidence (${config.environment})`,
    terminationProtection: config.environment === 'prod',
    tags: { project: 'verdict', 'verdict:environment': config.environment },
  });
  Aspects.of(app).add(new AwsSolutionsChecks({ verbose: true }));
  return stack;
}
