/** The CDK app (cdk.json: `npx tsx infra/app.ts`). Configuration: the `verdict:*` keys in cdk.json context. */
import { App } from 'aws-cdk-lib';
import { buildVerdictApp } from './verdict-app.ts';

const app = new App();
buildVerdictApp(app);
app.synth();
