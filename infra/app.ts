/** The CDK app (cdk.json: `npx tsx infra/app.ts`). Configuration: the `verdict:*` keys in cdk.json context. */
import { App } from 'aws-cdk-lib';
import { ConfigError } from './config.ts';
import { MissingPolicyBundleError } from './constructs/verdict-function.ts';
import { buildVerdictApp } from './verdict-app.ts';

const app = new App();
try {
  buildVerdictApp(app);
} catch (error) {
  // Errors the user fixes (a context value, a missing build step): the message alone, no stack trace.
  if (error instanceof ConfigError || error instanceof MissingPolicyBundleError) {
    console.error(error.message);
    process.exit(1);
  }
  throw error;
}
app.synth();
